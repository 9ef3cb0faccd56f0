"""Opening the user database for concurrent use: WAL mode, a busy timeout, and write transactions that
take the write lock when they begin.

Several windows and command-line runs may use one user database at once (a second window, a script
issuing quotes while the app autosaves). SQLite serialises writers; what breaks is a *deferred*
transaction that reads first and then tries to write after another process committed: in WAL mode it
fails at once with "database is locked", whatever the timeout. So ``SafeDatabase.atomic()`` starts
every outermost transaction with BEGIN IMMEDIATE (the write lock first, waiting up to the busy timeout),
and WAL lets readers go on while one process writes.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from configurator.core.database_errors import describe

# Seconds a writer waits for another one. Issuing a quote holds the write lock while its PDFs are written
# and checked (0.2-3 s each on a busy laptop), so twenty parallel quotes need this much.
BUSY_TIMEOUT_S = 120.0
WHAT = "user database"


class SafeDatabase(Database):
    """A sqlite-utils Database on its own connection: busy timeout, WAL when the folder allows it,
    BEGIN IMMEDIATE for every outermost ``atomic()``."""

    def __init__(self, path: str | Path, timeout_s: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        conn = sqlite3.connect(str(self.path), timeout=timeout_s)
        try:
            super().__init__(conn)
            mode = conn.execute("pragma journal_mode").fetchone()[0]
            if mode != "wal":
                try:
                    conn.execute("pragma journal_mode = wal")
                except sqlite3.OperationalError:
                    pass  # a read-only file or folder: reading works in rollback mode; a write says why
        except BaseException:
            conn.close()
            raise

    def set_timeout(self, seconds: float) -> None:
        """How long the next statements wait for another writer (the window's autosave waits briefly)."""
        self.conn.execute(f"pragma busy_timeout = {int(seconds * 1000)}")

    @contextlib.contextmanager
    def atomic(self) -> Iterator["SafeDatabase"]:
        if self.conn.in_transaction:  # nested: a savepoint, as sqlite-utils does
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise


@contextlib.contextmanager
def translated(path: str | Path, doing: str = "", what: str = WHAT) -> Iterator[None]:
    """Turn a SQLite or file-system error into one readable DatabaseProblem naming ``path``."""
    try:
        yield
    except sqlite3.Error as exc:
        raise describe(exc, path, what, doing) from None
    except OSError as exc:
        raise describe(exc, path, what, doing) from None


def database_path(db: Database) -> Path | None:
    """The file behind a Database (None for an in-memory one)."""
    path = getattr(db, "path", None)
    if path is not None:
        return Path(path)
    row = next((r for r in db.execute("pragma database_list").fetchall() if r[1] == "main"), None)
    return Path(row[2]) if row and row[2] else None
