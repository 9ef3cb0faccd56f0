"""Where things are: shipped resources and catalog sources, and the user's data directories.

One function per location, working from a checkout, an editable install and a frozen bundle
(PyInstaller puts the datas under ``sys._MEIPASS``). User data follows the platform convention
(XDG_DATA_HOME / XDG_CONFIG_HOME on Linux) so tests and scripts can point it elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "ai-configurator"
EDITIONS = ("internal", "customer")


def app_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def db_dir() -> Path:
    """Human-readable catalog sources (CSV). CONFIGURATOR_DB_DIR points elsewhere (catalog authoring)."""
    override = os.environ.get("CONFIGURATOR_DB_DIR")
    return Path(override) if override else app_root() / "db"


def resources_dir() -> Path:
    return app_root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_data_dir() -> Path:
    path = platformdirs.user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    path = platformdirs.user_config_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def edition() -> str:
    """'internal' (dealer cost, margins, approvals) or 'customer' (list prices only).

    The customer installer ships ``resources/edition`` containing 'customer'; the environment
    variable CONFIGURATOR_EDITION overrides it for tests and scripts.
    """
    value = os.environ.get("CONFIGURATOR_EDITION", "").strip().lower()
    if not value:
        marker = resource("edition")
        value = marker.read_text(encoding="utf-8").strip().lower() if marker.exists() else "internal"
    return value if value in EDITIONS else "customer"  # an unknown value must never expose cost
