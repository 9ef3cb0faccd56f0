"""Find (and if needed build) the catalog the app and the command line use.

The shipped sources in db/ are built into the user's data directory on first use, so a fresh clone
needs no extra step and `catalog import-prices` can write even where the install is read-only.
When the sources change (a new version), the catalog is rebuilt and earlier price imports are
re-applied. CONFIGURATOR_CATALOG points at a catalog file to use as it is (tests, scripts).

A catalog file that exists but cannot be read (not SQLite, damaged pages, missing tables) is never
replaced silently: ``ensure_catalog`` raises CatalogDamagedError, and the app offers
``rebuild_catalog``, which keeps the damaged file beside the new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Iterator

from configurator.catalog import schema
from configurator.catalog.build import build_catalog, sources_digest
from configurator.catalog.repository import CatalogError, CatalogRepository
from configurator.core.database_errors import describe
from configurator.paths import app_root, edition, user_data_dir

DAMAGED_SUFFIX = ".damaged"


class CatalogDamagedError(CatalogError):
    """The catalog file exists but is not a readable catalog; ``path`` names it, ``reason`` says why."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = " ".join(reason.split())[:200]  # quick_check may answer on several lines
        super().__init__(f"the parts catalog {self.path} is damaged ({self.reason})")


def user_catalog_path() -> Path:
    override = os.environ.get("CONFIGURATOR_CATALOG")
    if override:
        return Path(override)
    return user_data_dir() / f"catalog-{edition()}.sqlite"


def shipped_catalog_path() -> Path:
    """The catalog a frozen bundle ships, built from the same db/ (packaging/configurator.spec)."""
    return app_root() / "catalog" / f"catalog-{edition()}.sqlite"


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


def catalog_problem(path: Path, all_tables: bool = True) -> str | None:
    """Why an existing catalog file cannot be used, or None when it reads as a catalog.

    ``all_tables=False`` asks only for a sound SQLite file with catalog_meta: a catalog built by an earlier
    version may lack newer tables, and is rebuilt (not damaged). A file another process holds locked is
    not damaged either (an OperationalError, reported as it is by the repository).
    """
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.OperationalError:
        return None  # cannot open at all (permissions): the repository reports it
    try:
        result = [r[0] for r in con.execute("pragma quick_check").fetchall()]
        if result != ["ok"]:
            return f"integrity check: {result[0]}"
        tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return None
        return str(exc)
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        return str(exc)
    finally:
        con.close()
    wanted = ("catalog_meta", *schema.TABLES) if all_tables else ("catalog_meta",)
    missing = [t for t in wanted if t not in tables]
    if missing:
        return f"no {', '.join(missing[:3])} table" + ("s" if len(missing) > 1 else "")
    return None


def _install_fresh(path: Path, digest: str | None = None) -> None:
    """A new catalog at ``path``: the bundle's prebuilt one when it was built from these sources, else a build."""
    shipped = shipped_catalog_path()
    if shipped.exists() and _stored_digest(shipped) == (digest or sources_digest()):
        tmp = path.with_name(path.name + ".copying")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped, tmp)
        os.replace(tmp, path)
    else:
        build_catalog(path, edition=edition())


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """One process at a time checks and (re)builds the user catalog: two first starts at once (two windows,
    parallel scripts) would otherwise move each other's files away. An OS file lock: released when the
    process dies, so a crash never leaves it held."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":  # POSIX: lock the folder itself, so checking leaves no file behind
        import fcntl

        fd = os.open(path.parent, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
        return
    import msvcrt

    fh = open(path.with_name(path.name + ".lock"), "a+b")
    try:
        while True:
            try:
                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
                break
            except OSError:  # LK_LOCK gives up after 10 s; keep waiting for a long build
                continue
        yield
    finally:
        fh.close()


def ensure_catalog() -> Path:
    path = user_catalog_path()
    override = bool(os.environ.get("CONFIGURATOR_CATALOG"))
    if override:
        if path.exists():
            reason = catalog_problem(path, all_tables=True)
            if reason:
                raise CatalogDamagedError(path, reason)
        return path
    try:
        digest = sources_digest()  # hashes every db/ file: once per start at most
        with _build_lock(path):
            current = path.exists() and _stored_digest(path) == digest
            if path.exists():
                reason = catalog_problem(path, all_tables=current)
                if reason:
                    raise CatalogDamagedError(path, reason)
            if not current:
                from configurator.catalog.prices import carry_over_imports

                old = path.with_name(path.name + ".old")
                if path.exists():
                    os.replace(path, old)
                _install_fresh(path, digest)
                if old.exists():
                    carry_over_imports(old, path)
                    old.unlink()
    except (sqlite3.Error, OSError) as exc:
        raise describe(exc, path, "parts catalog", "preparing it") from None
    return path


def rebuild_catalog(path: Path | None = None) -> Path:
    """Replace a damaged catalog with a fresh one from db/; the damaged file is kept as ``<name>.damaged``.

    Prices imported into the damaged file cannot be trusted and are not carried over.
    """
    path = Path(path) if path is not None else user_catalog_path()
    if path.exists():
        os.replace(path, path.with_name(path.name + DAMAGED_SUFFIX))
    for suffix in ("-wal", "-shm", "-journal"):  # stale SQLite side files would corrupt the new file
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, path.with_name(path.name + DAMAGED_SUFFIX + suffix))
    if os.environ.get("CONFIGURATOR_CATALOG"):
        build_catalog(path, edition=edition())
    else:
        _install_fresh(path)
    return path


def open_catalog() -> CatalogRepository:
    return CatalogRepository(ensure_catalog())
