"""The only module that names icon files (resources/icons/*.svg)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

from configurator.paths import resource

SEVERITY_ICONS = {"error": "error.svg", "warning": "warning.svg", "info": "info.svg"}
OK = "ok.svg"
APP = "app.svg"


@lru_cache(maxsize=None)
def icon(filename: str) -> QIcon:
    return QIcon(str(resource("icons", filename)))


def severity_icon(severity: str) -> QIcon:
    return icon(SEVERITY_ICONS.get(severity, "info.svg"))


def app_icon() -> QIcon:
    return icon(APP)
