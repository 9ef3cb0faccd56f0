"""Writing export files whole or not at all: temporary names beside the target, read-back checks, fsync.

A document is first written to a hidden temporary file in the target's folder (same file system, so the
final rename is atomic), read back and checked (its size, and for a PDF its page count), and fsynced.
Only then may the caller rename it into place (export/issue.py does so after the quote number is
committed). A full disk, a read-only folder or a write error raises ExportError naming the file; the
temporary file is removed.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from configurator.core.durable import fsync_dir  # noqa: F401 - re-exported for the document writers
from configurator.export.formatting import ExportError

TEMP_SUFFIX = ".partial"
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PAGES_COUNT = re.compile(rb"/Type\s*/Pages\b.{0,400}?/Count\s+(\d+)", re.DOTALL)
_COUNT_PAGES = re.compile(rb"/Count\s+(\d+).{0,400}?/Type\s*/Pages\b", re.DOTALL)


def temp_for(path: str | Path) -> Path:
    """A new, empty temporary file beside ``path`` (created now, so no other writer can take the name)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    for _ in range(20):
        temp = folder / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportError(f"cannot write {path} ({exc.strerror or exc}): nothing was written") from None
        os.close(fd)
        return temp
    raise ExportError(f"cannot find a free temporary name beside {path}")


def fsync_file(path: Path, shown: Path | None = None) -> None:
    shown = shown or path
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise ExportError(f"cannot reopen {shown} to flush it ({exc.strerror or exc})") from None
    try:
        os.fsync(fd)
    except OSError as exc:
        raise ExportError(f"{shown} could not be flushed to disk ({exc.strerror or exc}): is the disk full?") from None
    finally:
        os.close(fd)


def pdf_pages_written(path: Path, shown: Path | None = None) -> int:
    """Pages of a PDF file as read back from disk; ExportError (naming ``shown``) when it is not a whole PDF."""
    shown = shown or path
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read back {shown} ({exc.strerror or exc})") from None
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ExportError(f"{shown} was not written whole ({len(data)} bytes, no end of file): is the disk full?")
    pages = len(_PAGE.findall(data))
    counted = _PAGES_COUNT.search(data) or _COUNT_PAGES.search(data)
    if counted is not None and int(counted.group(1)) != pages:
        raise ExportError(f"{shown} is damaged: its page tree counts {int(counted.group(1))} pages, it holds {pages}")
    return pages


def check_pdf(path: Path, pages: int, shown: Path | None = None) -> None:
    written = pdf_pages_written(path, shown)
    if written != pages:
        raise ExportError(f"{shown or path} holds {written} pages, {pages} were painted: it was not written whole")


def write_text_checked(path: Path, text: str, shown: Path | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` (a temporary file), fsync it and read it back."""
    shown = shown or path
    payload = text.encode("utf-8")
    try:
        with open(path, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise ExportError(f"cannot write {shown} ({exc.strerror or exc}): is the disk full?") from None
    try:
        back = Path(path).read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read back {shown} ({exc.strerror or exc})") from None
    if back != payload:
        raise ExportError(f"{shown} reads back {len(back)} bytes of {len(payload)}: it was not written whole")


def remove_quietly(*paths: Path | None) -> None:
    for p in paths:
        if p is not None:
            try:
                Path(p).unlink(missing_ok=True)
            except OSError:
                pass
