"""Reading the catalog sources in ``db/``: one CSV per table, typed by the core dataclasses.

Conventions (db/README.md): booleans ``yes``/``no``; an empty cell is None for an optional field;
money as decimal strings. A bad cell raises CatalogSourceError naming file, line and column.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from configurator.catalog.schema import field_types
from configurator.core.errors import ConfiguratorError

TRUE = {"yes", "true", "1", "y"}
FALSE = {"no", "false", "0", "n", ""}


class CatalogSourceError(ConfiguratorError):
    pass


def convert(value: str, py: type, nullable: bool, where: str):
    text = value.strip()
    if text == "" and nullable:
        return None
    try:
        if py is bool:
            low = text.lower()
            if low in TRUE:
                return True
            if low in FALSE:
                return False
            raise ValueError(text)
        if py is int:
            return int(float(text)) if text else 0
        if py is float:
            return float(text) if text else 0.0
        if py is Decimal:
            return str(Decimal(text))
        return text
    except (ValueError, InvalidOperation):
        raise CatalogSourceError(f"{where}: '{value}' is not a valid {py.__name__}") from None


def read_rows(path: Path, cls: type, defaults: dict | None = None) -> list[dict]:
    """Rows of ``path`` as dicts of typed values (bools as bool; store converts to 0/1)."""
    types_ = field_types(cls)
    rows: list[dict] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in types_]
        if unknown:
            raise CatalogSourceError(f"{path.name}: unknown column(s) {', '.join(unknown)}")
        for line_no, raw in enumerate(reader, start=2):
            row = dict(defaults or {})
            for name, value in raw.items():
                if name is None:
                    raise CatalogSourceError(f"{path.name} line {line_no}: more cells than columns")
                py, nullable = types_[name]
                row[name] = convert(value or "", py, nullable, f"{path.name} line {line_no} column {name}")
            rows.append(row)
    return rows
