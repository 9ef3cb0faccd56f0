"""Catalog schema: one table per part kind, columns from the core dataclasses, versioned by migrations.

The catalog file is rebuilt from the human-readable sources in ``db/`` (see ``build.py``); the
migrations keep a catalog that a user already has (with imported prices) upgradable in place.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal

from sqlite_utils import Database, Migrations

from configurator.core import parts

# table name -> dataclass. Parts tables are named as their kind; the rest hold catalog data that
# is not a part (efficiency factors, rates, thresholds).
TABLES: dict[str, type] = {
    **parts.PART_KINDS,
    "engine_efficiency": parts.EngineEfficiency,
    "training_efficiency": parts.TrainingEfficiency,
    "cloud_rates": parts.CloudRate,
    "circuits": parts.Circuit,
    "rule_params": parts.RuleParam,
    # Technician facts (issue 18): slots of each motherboard, memory speed per DIMMs per channel, GPU fit.
    "board_slots": parts.BoardSlot,
    "memory_speeds": parts.MemorySpeed,
    "gpu_fit": parts.GpuFit,
}
PRIMARY_KEYS: dict[str, str | tuple[str, ...]] = {
    "engine_efficiency": ("engine_id", "gpu_class"),
    "training_efficiency": ("compute", "gpu_class"),
    "cloud_rates": "gpu_id",
    "rule_params": "key",
    "board_slots": ("board", "slot"),
    "memory_speeds": ("platform_id", "dimms_per_channel", "ranks"),
    "gpu_fit": "gpu_id",
}
# Dealer cost lives in its own table so the customer edition can drop it whole.
COST_TABLE = "costs"
PRICE_TABLE = "prices"

SCHEMA_VERSION = 4
migrations = Migrations("configurator-catalog")


def field_types(cls: type) -> dict[str, tuple[type, bool]]:
    """field name -> (python type, nullable), resolved from the dataclass annotations."""
    hints = typing.get_type_hints(cls)
    out: dict[str, tuple[type, bool]] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        nullable = False
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            nullable = len(args) < len(typing.get_args(hint))
            hint = args[0]
        out[f.name] = (hint, nullable)
    return out


def _sql_type(py: type) -> type:
    # Money as TEXT keeps it exact; bools as INTEGER 0/1.
    return {str: str, float: float, int: int, bool: int, Decimal: str}[py]


def _create(db: Database, table: str, cls: type) -> None:
    columns = {name: _sql_type(py) for name, (py, _) in field_types(cls).items()}
    not_null = {name for name, (_, nullable) in field_types(cls).items() if not nullable}
    db[table].create(columns, pk=PRIMARY_KEYS.get(table, "id"), not_null=not_null)


@migrations()
def m001_parts(db: Database) -> None:
    for table, cls in TABLES.items():
        _create(db, table, cls)
    db[PRICE_TABLE].create(
        {"id": str, "list_price": str, "currency": str, "price_basis": str, "source": str},
        pk="id",
        not_null={"list_price", "currency", "price_basis"},
    )
    db[COST_TABLE].create({"id": str, "cost": str, "currency": str, "source": str}, pk="id", not_null={"cost"})
    db["catalog_meta"].create({"key": str, "value": str}, pk="key")


@migrations()
def m002_gpu_compute(db: Database) -> None:
    # Which tensor rates each GPU has (FP8/FP4 only where the datasheet gives a dense figure).
    db["gpu_compute"].create({"gpu_id": str, "compute": str, "dense_tflops": float}, pk=("gpu_id", "compute"))
    # Rows applied by `catalog import-prices`, kept so a rebuild from new sources re-applies them.
    db["price_imports"].create(
        {"id": str, "list_price": str, "cost": str, "currency": str, "imported_at": str}, pk="id"
    )


@migrations()
def m003_training_efficiency_and_model_columns(db: Database) -> None:
    # Training efficiency per compute rate (tools/calibrate_training.py) and the 2026 model columns
    # (max_context, shipped_precision, sliding_window_layers, ...). A catalog built by this version already has
    # them from m001 (which creates every table of TABLES); an older file gains what it lacks.
    if "training_efficiency" not in db.table_names():
        _create(db, "training_efficiency", parts.TrainingEfficiency)
    have = set(db["models"].columns_dict)
    for name, (py, _) in field_types(parts.ModelArch).items():
        if name not in have:
            db["models"].add_column(name, _sql_type(py))


@migrations()
def m004_technician_facts(db: Database) -> None:
    # Issue 18: the board slot, memory speed and GPU fit tables, and the new columns of the part tables
    # (cooling, bays, connectors, ranks, bridge spacing...). A catalog built by this version has them from m001.
    for table, cls in TABLES.items():
        if table not in db.table_names():
            _create(db, table, cls)
            continue
        have = set(db[table].columns_dict)
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        for name, (py, _) in field_types(cls).items():
            if name not in have:  # filled with the field's default, so the old rows read as before
                default = defaults.get(name, dataclasses.MISSING)
                fill = None if default in (dataclasses.MISSING, None) else (int(default) if py is bool else default)
                db[table].add_column(name, _sql_type(py), not_null_default=fill)


def apply(db: Database) -> None:
    migrations.apply(db)
