"""Find (and if needed build) the catalog the app and the command line use.

The shipped sources in db/ are built into the user's data directory on first use, so a fresh clone
needs no extra step and `catalog import-prices` can write even where the install is read-only.
When the sources change (a new version), the catalog is rebuilt and earlier price imports are
re-applied. CONFIGURATOR_CATALOG points at a catalog file to use as it is (tests, scripts).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from configurator.catalog.build import build_catalog, sources_digest
from configurator.catalog.repository import CatalogRepository
from configurator.paths import edition, user_data_dir


def user_catalog_path() -> Path:
    override = os.environ.get("CONFIGURATOR_CATALOG")
    if override:
        return Path(override)
    return user_data_dir() / f"catalog-{edition()}.sqlite"


def _stored_digest(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("select value from catalog_meta where key = 'sources_digest'").fetchone()
        finally:
            con.close()
        return row[0] if row else None
    except sqlite3.DatabaseError:
        return None


def ensure_catalog() -> Path:
    path = user_catalog_path()
    if os.environ.get("CONFIGURATOR_CATALOG"):
        return path
    if not path.exists() or _stored_digest(path) != sources_digest():
        from configurator.catalog.prices import carry_over_imports

        old = path.with_name(path.name + ".old")
        if path.exists():
            os.replace(path, old)
        build_catalog(path, edition=edition())
        if old.exists():
            carry_over_imports(old, path)
            old.unlink()
    return path


def open_catalog() -> CatalogRepository:
    return CatalogRepository(ensure_catalog())
