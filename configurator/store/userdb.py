"""The user database: autosaves, crash detection, recent files, settings, customers and quotes
(store/quotes.py).

One SQLite file in the user's data directory, versioned by sqlite-utils migrations. Every
multi-step write runs inside ``db.atomic()``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database, Migrations

from configurator.core.errors import ConfiguratorError
from configurator.core.database_errors import DatabaseProblem, describe
from configurator.store.connection import SafeDatabase, translated

migrations = Migrations("configurator-user")
MAX_RECENT = 10


class UserDatabaseError(DatabaseProblem):
    """The user database cannot be used; ``kind`` says whether it is damaged, busy, read-only or on a full disk."""


@migrations()
def m001_sessions_and_autosave(db: Database) -> None:
    # A session row is written at start and marked closed at a clean exit: a row left open means
    # the app died, and its autosave is offered for restore at the next start.
    db["sessions"].create(
        {"id": int, "pid": int, "started_at": str, "closed_at": str}, pk="id", not_null={"pid", "started_at"}
    )
    db["autosaves"].create(
        {"session_id": int, "build_json": str, "file_path": str, "saved_at": str},
        pk="session_id", not_null={"build_json", "saved_at"},
    )


@migrations()
def m002_recent_files(db: Database) -> None:
    db["recent_files"].create({"path": str, "opened_at": str}, pk="path", not_null={"opened_at"})


@migrations()
def m003_settings(db: Database) -> None:
    # Per-installation values: the quote-number prefix (drawn once), the sales-engineer discount limit.
    db["settings"].create({"key": str, "value": str}, pk="key", not_null={"value"})


@migrations()
def m004_customers_and_quotes(db: Database) -> None:
    db["customers"].create(
        {"id": int, "name": str, "company": str, "email": str, "phone": str, "address": str, "notes": str,
         "created_at": str, "updated_at": str},
        pk="id", not_null={"name", "created_at"},
    )
    # One row per revision. The customer is copied onto the row (customer_json) so an issued quote
    # keeps the address it was sent to; money and percents are decimal strings (never REAL).
    db["quotes"].create(
        {"id": int, "prefix": str, "sequence": int, "revision": str, "status": str, "customer_id": int,
         "customer_json": str, "build_json": str, "build_name": str, "issue_date": str, "valid_until": str,
         "payment_terms": str, "warranty_json": str, "support_json": str, "discount_percent": str,
         "line_discounts_json": str, "approval_code": str, "role": str, "tax_percent": str, "currency": str,
         "exchange_rate": str, "notes": str, "price_json": str, "created_at": str, "issued_at": str},
        pk="id", foreign_keys=[("customer_id", "customers", "id")],
        not_null={"prefix", "sequence", "revision", "status", "customer_json", "build_json", "issue_date",
                  "valid_until", "created_at"},
    )
    db["quotes"].create_index(["prefix", "sequence", "revision"], unique=True)


@migrations()
def m005_imported_models(db: Database) -> None:
    # Models imported from a Hugging Face config.json (configurator catalog import-model): the architecture as
    # JSON of the ModelArch fields, kept per installation; build files that use one carry a copy too.
    db["imported_models"].create(
        {"id": str, "arch_json": str, "source_file": str, "imported_at": str},
        pk="id", not_null={"arch_json", "imported_at"},
    )


@migrations()
def m006_compare_tray(db: Database) -> None:
    # Builds put aside to compare (store/compare_tray.py): the build-file JSON with a name and its origin;
    # ``compared`` 1 for the (at most three) ticked ones; ``position`` keeps the order they were added in.
    db["compare_tray"].create(
        {"id": int, "position": int, "name": str, "build_json": str, "source": str, "compared": int,
         "added_at": str},
        pk="id", not_null={"position", "name", "build_json", "compared", "added_at"},
    )


@migrations()
def m007_quote_integrity_and_approvers(db: Database) -> None:
    # Tamper evidence (store/quotes.py): each issued revision keeps the hash of its content chained to the
    # previous revision's; revisions issued before this version are sealed here as they stand.
    db["quotes"].add_column("content_hash", str)
    db["quotes"].add_column("previous_hash", str)
    # The documents of an issued quote, journaled in the transaction that uses its number: written to
    # temporary files first, renamed into place after the commit (export/issue.py).
    db["quote_documents"].create(
        {"id": int, "quote_id": int, "temp_path": str, "final_path": str, "state": str, "created_at": str},
        pk="id", not_null={"quote_id", "temp_path", "final_path", "state", "created_at"},
    )
    # Approvers' public keys this installation accepts approvals from (`configurator approver trust`).
    db["approver_keys"].create({"public_key": str, "key_id": str, "added_at": str}, pk="public_key",
                               not_null={"key_id", "added_at"})
    from configurator.store.quotes import seal_existing

    seal_existing(db)


@migrations()
def m008_quote_options(db: Database) -> None:
    # A quote with options (good/better/best, from the compare tray): the 2-3 builds offered as JSON
    # [{name, build_json}], and the option the customer chose (0-based; null until chosen). Null on a plain
    # quote, so the seals of earlier revisions stay as they were (store/quotes.py OPTIONAL_CONTENT_COLUMNS).
    db["quotes"].add_column("options_json", str)
    db["quotes"].add_column("chosen_option", int)


@migrations()
def m009_branding(db: Database) -> None:
    # The company's letterhead set up in the app (store/branding.py): one row, the fields as JSON and the logo
    # file's bytes (so it survives the original file being moved, and can travel to other installations).
    db["branding"].create({"id": int, "data_json": str, "logo": bytes, "logo_name": str, "updated_at": str},
                          pk="id", not_null={"data_json", "updated_at"})


@migrations()
def m010_team_sync(db: Database) -> None:
    # The team server (configurator/team): the revisions, drafts and orders pushed (with the hash pushed, so a
    # change is pushed again), each customer's server id and the values last agreed with the server (the base
    # of the field-by-field merge), the price lists applied, and the quotes marked won.
    db["team_pushed"].create({"kind": str, "key": str, "hash": str, "pushed_at": str}, pk=("kind", "key"),
                             not_null={"hash", "pushed_at"})
    db["team_customers"].create({"customer_id": int, "uid": str, "base_json": str}, pk="customer_id",
                                not_null={"uid"})
    db["team_customers"].create_index(["uid"], unique=True)
    db["team_price_lists"].create(
        {"version": int, "published_at": str, "effective_date": str, "currency": str, "rows": int,
         "applied_at": str}, pk=("version", "published_at"), not_null={"applied_at"})
    db["team_orders"].create({"prefix": str, "sequence": int, "revision": str, "marked_at": str},
                             pk=("prefix", "sequence", "revision"), not_null={"marked_at"})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass(frozen=True)
class Autosave:
    session_id: int
    build_json: str
    file_path: str | None
    saved_at: str


# Tables and columns this version reads; a file missing one was damaged (a dropped table or column) and is
# offered to be moved aside at start, like a file with damaged pages.
EXPECTED_COLUMNS = {
    "sessions": ("id", "pid", "started_at", "closed_at"),
    "autosaves": ("session_id", "build_json", "file_path", "saved_at"),
    "recent_files": ("path", "opened_at"),
    "settings": ("key", "value"),
    "customers": ("id", "name", "company", "email", "phone", "address", "notes"),
    "quotes": ("id", "prefix", "sequence", "revision", "status", "customer_json", "build_json", "issue_date",
               "valid_until", "payment_terms", "discount_percent", "approval_code", "role", "tax_percent",
               "currency", "exchange_rate", "price_json", "issued_at", "content_hash", "previous_hash"),
    "quote_documents": ("id", "quote_id", "temp_path", "final_path", "state"),
    "approver_keys": ("public_key", "key_id", "added_at"),
}


def _apply_migrations(db: SafeDatabase) -> None:
    """Pending migrations under the write lock: two processes starting at once apply each one once."""
    if not migrations.pending(db):
        return
    with db.atomic():
        migrations.apply(db)


def check_tables(db: Database) -> None:
    """UserDatabaseError naming the first missing table or column."""
    have = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    for table, columns in EXPECTED_COLUMNS.items():
        if table not in have:
            raise UserDatabaseError(f"no such table: {table}")
        present = {r[1] for r in db.execute(f'pragma table_info("{table}")')}
        missing = [c for c in columns if c not in present]
        if missing:
            raise UserDatabaseError(f"no such column: {table}.{missing[0]}")


class UserDatabase:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.db = SafeDatabase(self.path)
        except sqlite3.Error as exc:
            problem = describe(exc, self.path, "user database", "opening it")
            raise UserDatabaseError(str(problem), problem.kind, self.path) from exc
        try:
            _apply_migrations(self.db)
            check_tables(self.db)
        except (sqlite3.Error, UserDatabaseError) as exc:
            self.db.close()
            problem = describe(exc, self.path, "user database", "opening it")
            raise UserDatabaseError(str(problem), problem.kind, self.path) from exc
        self.session_id: int | None = None

    def close(self) -> None:
        self.db.close()

    # -- sessions and autosave -------------------------------------------------------------------
    def start_session(self) -> int:
        with translated(self.path, "starting a session"), self.db.atomic():
            self.session_id = self.db["sessions"].insert({"pid": os.getpid(), "started_at": _now()}).last_pk
        return self.session_id  # type: ignore[return-value]

    def end_session(self) -> None:
        """A clean exit: the session's autosave is no longer needed."""
        if self.session_id is None:
            return
        with translated(self.path, "closing the session"), self.db.atomic():
            self.db["sessions"].update(self.session_id, {"closed_at": _now()})
            self.db.execute("delete from autosaves where session_id = ?", [self.session_id])

    def autosave(self, build_json: str, file_path: str | None = None) -> None:
        if self.session_id is None:
            self.start_session()
        with translated(self.path, "autosaving the build"), self.db.atomic():
            self.db["autosaves"].upsert(
                {"session_id": self.session_id, "build_json": build_json, "file_path": file_path,
                 "saved_at": _now()}, pk="session_id",
            )

    def clear_autosave(self) -> None:
        if self.session_id is not None:
            with translated(self.path, "clearing the autosave"), self.db.atomic():
                self.db.execute("delete from autosaves where session_id = ?", [self.session_id])

    def crashed_autosaves(self) -> list[Autosave]:
        """Autosaves of earlier sessions that never closed cleanly, newest first."""
        rows = self.db.execute(
            "select a.session_id, a.build_json, a.file_path, a.saved_at from autosaves a "
            "join sessions s on s.id = a.session_id where s.closed_at is null and s.id != ? "
            "order by a.saved_at desc",
            [self.session_id or -1],
        ).fetchall()
        return [Autosave(*row) for row in rows]

    def discard_autosave(self, session_id: int) -> None:
        with translated(self.path, "discarding an autosave"), self.db.atomic():
            self.db.execute("delete from autosaves where session_id = ?", [session_id])
            self.db.execute("update sessions set closed_at = ? where id = ? and closed_at is null",
                            [_now(), session_id])

    # -- recent files ----------------------------------------------------------------------------
    def add_recent(self, path: str | Path) -> None:
        with translated(self.path, "remembering a recent file"), self.db.atomic():
            self.db["recent_files"].upsert({"path": str(Path(path).resolve()), "opened_at": _now()}, pk="path")
            keep = [r[0] for r in self.db.execute(
                "select path from recent_files order by opened_at desc limit ?", [MAX_RECENT])]
            self.db.execute(
                f"delete from recent_files where path not in ({','.join('?' * len(keep))})", keep
            )

    def recent_files(self) -> list[str]:
        return [r[0] for r in self.db.execute("select path from recent_files order by opened_at desc")]

    # -- imported models -------------------------------------------------------------------------
    def save_imported_model(self, arch, source_file: str | None = None) -> None:
        """Keep (or replace) an imported model architecture (a core ModelArch)."""
        from configurator.core.buildfile.models import arch_to_dict

        with self.db.atomic():
            self.db["imported_models"].upsert(
                {"id": arch.id, "arch_json": json.dumps(arch_to_dict(arch), sort_keys=True),
                 "source_file": source_file, "imported_at": _now()}, pk="id",
            )

    def imported_models(self) -> list:
        """Every imported ModelArch, oldest import first."""
        from configurator.core.buildfile.models import arch_from_json

        rows = self.db.execute("select id, arch_json from imported_models order by imported_at, id").fetchall()
        return [arch_from_json(text, f"imported model '{mid}'") for mid, text in rows]

    def imported_model(self, model_id: str):
        from configurator.core.buildfile.models import arch_from_json

        row = self.db.execute("select arch_json from imported_models where id = ?", [model_id]).fetchone()
        return arch_from_json(row[0], f"imported model '{model_id}'") if row else None

    def delete_imported_model(self, model_id: str) -> bool:
        with self.db.atomic():
            cur = self.db.execute("delete from imported_models where id = ?", [model_id])
        return cur.rowcount > 0


def database_problem(path: str | Path) -> str | None:
    """Why the user database file cannot be used (not SQLite, damaged pages), or None when it is sound.

    Run at start, before UserDatabase opens it: a damaged page may otherwise surface only later, in
    the middle of an autosave. A missing file is fine (it is created); a file another process holds
    locked is not damaged.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        # immutable when no WAL is pending: a read-only look at a WAL-mode file would otherwise leave -wal and
        # -shm files beside it (the check must change nothing)
        pending = any(path.with_name(path.name + s).exists() for s in ("-wal", "-shm"))
        con = sqlite3.connect(f"file:{path}?mode=ro{'' if pending else '&immutable=1'}", uri=True)
    except sqlite3.OperationalError:
        return None  # cannot open at all (permissions): UserDatabase reports it
    try:
        result = [r[0] for r in con.execute("pragma quick_check").fetchall()]
    except sqlite3.OperationalError as exc:
        return None if ("locked" in str(exc) or "busy" in str(exc)) else str(exc)
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        return " ".join(str(exc).split())
    finally:
        con.close()
    return None if result == ["ok"] else "integrity check: " + " ".join(result[0].split())[:200]


def quarantine(path: str | Path) -> Path:
    """Move a damaged user database (and its SQLite side files) aside; returns where it went.

    Nothing is deleted: saved quotes and customers may still be recoverable from the moved file.
    """
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def user_database_path() -> Path:
    from configurator.paths import user_data_dir

    return user_data_dir() / "user.sqlite"
