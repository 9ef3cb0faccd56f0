"""The company's branding kept in the user database (table ``branding``, migration m009): letterhead fields as
JSON, the logo file's bytes, and whether the first-use setup was offered (``settings``).

Raw data only (a dict and bytes); export/branding.py makes the printed ``Branding`` of it. ``read_branding``
reads a user database file without opening it for writing (no migration, no lock, no file created): the
commands that must leave the user database untouched (build-sheet, bom) can still print the company's
letterhead.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from configurator.store.connection import database_path, translated

ROW_ID = 1
OFFERED_KEY = "branding_setup_offered"
FIELDS = ("company", "address", "contact", "tax_id", "terms", "footer", "burn_in_note")
MAX_LOGO_BYTES = 2_000_000  # a letterhead logo is a few KB to a few hundred KB; 2 MB bounds a mistaken pick


@dataclass(frozen=True)
class BrandingRecord:
    data: dict = field(default_factory=dict)  # FIELDS; address/contact/terms are lists of strings
    logo: bytes | None = None
    logo_name: str = ""  # the chosen file's name ('logo.png'): its suffix says SVG or PNG
    updated_at: str = ""


def _record(row) -> BrandingRecord | None:
    if row is None:
        return None
    data_json, logo, logo_name, updated_at = row
    try:
        data = json.loads(data_json)
    except (TypeError, ValueError):
        return None  # an unreadable row is no branding: the shipped letterhead is used and setup offered
    if not isinstance(data, dict):
        return None
    return BrandingRecord({k: data[k] for k in FIELDS if k in data}, bytes(logo) if logo else None,
                          logo_name or "", updated_at or "")


class BrandingStore:
    def __init__(self, db: Database):
        self.db = db
        self.path = database_path(db) or Path(":memory:")

    def get(self) -> BrandingRecord | None:
        with translated(self.path, "reading the branding"):
            row = self.db.execute("select data_json, logo, logo_name, updated_at from branding where id = ?",
                                  [ROW_ID]).fetchone()
        return _record(row)

    def save(self, record: BrandingRecord) -> BrandingRecord:
        if record.logo is not None and len(record.logo) > MAX_LOGO_BYTES:
            from configurator.core.errors import InvalidInputError

            raise InvalidInputError(f"the logo file is {len(record.logo):,} bytes; a letterhead logo up to "
                                    f"{MAX_LOGO_BYTES:,} bytes is accepted")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data = {k: record.data[k] for k in FIELDS if k in record.data}
        with translated(self.path, "saving the branding"), self.db.atomic():
            self.db["branding"].upsert({"id": ROW_ID, "data_json": json.dumps(data, sort_keys=True),
                                        "logo": record.logo, "logo_name": record.logo_name, "updated_at": now},
                                       pk="id")
            self.db["settings"].upsert({"key": OFFERED_KEY, "value": now}, pk="key")
        return BrandingRecord(data, record.logo, record.logo_name, now)

    def offered(self) -> bool:
        """Whether the first-use setup was shown (saved or put off): it is offered once."""
        with translated(self.path, "reading the branding"):
            return self.db.execute("select 1 from settings where key = ?", [OFFERED_KEY]).fetchone() is not None

    def mark_offered(self) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with translated(self.path, "saving the branding"), self.db.atomic():
            self.db["settings"].upsert({"key": OFFERED_KEY, "value": now}, pk="key")


def read_branding(path: str | Path) -> BrandingRecord | None:
    """The branding in the user database file at ``path``, read only; None when there is no file, no branding
    table (an older file) or no branding, or the file cannot be read now (the shipped letterhead is used)."""
    path = Path(path)
    if not path.exists():
        return None
    # immutable when no WAL is pending: a read-only look would otherwise leave -wal/-shm files beside it
    pending = any(path.with_name(path.name + s).exists() for s in ("-wal", "-shm"))
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro{'' if pending else '&immutable=1'}", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("select data_json, logo, logo_name, updated_at from branding where id = ?",
                          [ROW_ID]).fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return _record(row)
