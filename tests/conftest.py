"""Shared fixtures. Every test runs with user data in a temporary directory and Qt offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The fuzz tests draw the same inputs on every run (a green suite means the same thing twice, and CI does not
# fail on a case no one has seen); HYPOTHESIS_PROFILE=explore draws new ones to look for bugs.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.delenv("CONFIGURATOR_CATALOG", raising=False)
    monkeypatch.delenv("CONFIGURATOR_EDITION", raising=False)


@pytest.fixture(scope="session")
def catalog_path(tmp_path_factory) -> Path:
    """An internal-edition catalog built once from db/ for the whole session (read-only use)."""
    from configurator.catalog.build import build_catalog

    return build_catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite", edition="internal")


@pytest.fixture(scope="session")
def catalog(catalog_path):
    from configurator.catalog import CatalogRepository

    repo = CatalogRepository(catalog_path)
    yield repo
    repo.close()


@pytest.fixture
def writable_catalog(tmp_path, catalog_path) -> Path:
    """A private copy of the catalog a test may change."""
    import shutil

    dest = tmp_path / "catalog.sqlite"
    shutil.copy(catalog_path, dest)
    return dest
