"""Durable file writes: the one helper every atomic save (build files, documents, quote journals) ends with."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    """Make a rename into ``directory`` durable (POSIX); not possible on every platform, so failures are ignored."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
