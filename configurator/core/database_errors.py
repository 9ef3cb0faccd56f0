"""One readable line for every way a database file can fail: busy, read-only, full disk, damaged.

The catalog and the user database both raise ``DatabaseProblem`` (a ConfiguratorError, so the command
line prints it as one line with exit status 2 and the window shows it in a message). The SQLite
exception is recognised by its class name and message only: the core imports no SQL module.
"""

from __future__ import annotations

from pathlib import Path

from configurator.core.errors import ConfiguratorError

BUSY = "busy"
READ_ONLY = "read_only"
FULL = "full"
DAMAGED = "damaged"
OTHER = "other"

# message fragments SQLite uses (sqlite3.OperationalError / DatabaseError / IntegrityError texts)
_KINDS = (
    (BUSY, ("database is locked", "database table is locked", "database is busy", "locking protocol")),
    (READ_ONLY, ("readonly database", "read-only", "unable to open database file", "permission denied",
                 "access permission denied")),
    (FULL, ("database or disk is full", "disk i/o error", "no space left", "file too large")),
    (DAMAGED, ("malformed", "not a database", "no such table", "no such column", "has no column",
               "file is encrypted", "corrupt", "integrity check", "datatype mismatch")),
)


class DatabaseProblem(ConfiguratorError):
    """A database file that cannot be used right now; ``kind`` is one of BUSY, READ_ONLY, FULL, DAMAGED, OTHER."""

    def __init__(self, message: str, kind: str = OTHER, path: Path | None = None):
        self.kind = kind
        self.path = path
        super().__init__(" ".join(message.split()))


def kind_of(exc: BaseException) -> str:
    if isinstance(exc, DatabaseProblem) and exc.kind != OTHER:
        return exc.kind
    text = str(exc).lower()
    if isinstance(exc, OSError) and getattr(exc, "errno", None) in (28, 27):  # ENOSPC, EFBIG
        return FULL
    if isinstance(exc, PermissionError):
        return READ_ONLY
    for kind, fragments in _KINDS:
        if any(f in text for f in fragments):
            return kind
    return OTHER


def describe(exc: BaseException, path: str | Path, what: str = "database", doing: str = "") -> DatabaseProblem:
    """The one line for ``exc`` raised while ``doing`` something with the ``what`` at ``path``.

    ``what`` names the file for a person ("user database", "parts catalog"); every line says what to do.
    """
    path = Path(path)
    kind = kind_of(exc)
    during = f" while {doing}" if doing else ""
    reason = " ".join(str(exc).split())[:160]
    if kind == BUSY:
        text = (f"the {what} {path} is busy{during}: another configurator window or command is writing to it; "
                f"try again when it has finished")
    elif kind == READ_ONLY:
        text = (f"the {what} {path} cannot be written{during} (read-only file or folder): make it writable, or "
                f"set XDG_DATA_HOME to a writable folder")
    elif kind == FULL:
        text = f"the disk holding the {what} {path} is full{during} ({reason}): free some space and try again"
    elif kind == DAMAGED:
        fix = ("start the app to rebuild it from the catalog sources" if "catalog" in what
               else "start the app to move it aside and start with an empty one")
        text = f"the {what} {path} is damaged ({reason}){during}: {fix}"
    else:
        text = f"the {what} {path} failed{during} ({reason})"
    return DatabaseProblem(f"{text}; nothing was changed", kind, path)
