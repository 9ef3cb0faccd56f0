"""The catalog repository: reads catalog.sqlite and returns core dataclasses (never rows, never Qt)."""

from __future__ import annotations

import dataclasses
import sqlite3
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from sqlite_utils import Database

from configurator.catalog import schema
from configurator.core import parts
from configurator.core.errors import ConfiguratorError, UnknownPartError


class CatalogError(ConfiguratorError):
    pass


def _to_dataclass(cls: type, row: dict):
    types_ = schema.field_types(cls)
    values = {}
    for f in dataclasses.fields(cls):
        value = row.get(f.name)
        py, _ = types_[f.name]
        if value is not None:
            if py is bool:
                value = bool(value)
            elif py is Decimal:
                value = Decimal(value)
        values[f.name] = value
    return cls(**values)


class CatalogRepository:
    """Read access to one catalog file. All lists are loaded once and cached (the catalog is small)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise CatalogError(f"catalog file {self.path} does not exist")
        try:
            self.db = Database(self.path)
            tables = set(self.db.table_names())
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"catalog file {self.path} is not a readable catalog ({exc})") from None
        missing = [t for t in schema.TABLES if t not in tables]
        if missing:
            raise CatalogError(f"catalog file {self.path} lacks table(s) {', '.join(missing)}")
        self._cache: dict[str, list] = {}

    def close(self) -> None:
        self.db.close()

    # -- generic access ---------------------------------------------------------------------------
    def list(self, kind: str) -> list:
        if kind not in schema.TABLES:
            raise CatalogError(f"unknown catalog kind '{kind}' (one of {', '.join(parts.PART_KINDS)})")
        if kind not in self._cache:
            cls = schema.TABLES[kind]
            self._cache[kind] = [_to_dataclass(cls, r) for r in self.db[kind].rows_where(order_by="rowid")]
        return self._cache[kind]

    def _index(self, kind: str) -> dict[str, object]:
        key = f"_index_{kind}"
        if key not in self._cache:
            self._cache[key] = {p.id: p for p in self.list(kind)}  # type: ignore[assignment]
        return self._cache[key]  # type: ignore[return-value]

    def get(self, kind: str, part_id: str):
        try:
            return self._index(kind)[part_id]
        except KeyError:
            raise UnknownPartError(part_id, kind.rstrip("s") if kind != "chassis" else kind) from None

    def find(self, part_id: str) -> tuple[str, object]:
        """(kind, part) for an id of any kind."""
        for kind in parts.PART_KINDS:
            part = self._index(kind).get(part_id)
            if part is not None:
                return kind, part
        raise UnknownPartError(part_id)

    def filter(self, kind: str, text: str = "") -> list:
        """Parts of ``kind`` whose id or name contains every word of ``text`` (case-insensitive)."""
        words = text.lower().split()
        return [p for p in self.list(kind) if all(w in f"{p.id} {p.name}".lower() for w in words)]

    # -- typed shortcuts --------------------------------------------------------------------------
    def gpus(self, sellable_only: bool = False) -> list[parts.Gpu]:
        return [g for g in self.list("gpus") if g.sellable or not sellable_only]

    def gpu(self, gpu_id: str) -> parts.Gpu:
        return self.get("gpus", gpu_id)

    def models(self) -> list[parts.ModelArch]:
        return self.list("models")

    def model(self, model_id: str) -> parts.ModelArch:
        return self.get("models", model_id)

    def precision(self, precision_id: str) -> parts.Precision:
        return self.get("precisions", precision_id)

    def platform(self, part_id: str) -> parts.Platform:
        return self.get("platforms", part_id)

    def chassis(self, part_id: str) -> parts.Chassis:
        return self.get("chassis", part_id)

    def psu(self, part_id: str) -> parts.Psu:
        return self.get("psus", part_id)

    def memory_module(self, part_id: str) -> parts.Memory:
        return self.get("memory", part_id)

    def nic(self, part_id: str) -> parts.Nic:
        return self.get("network", part_id)

    def bridge(self, part_id: str) -> parts.Bridge:
        return self.get("bridges", part_id)

    def service(self, part_id: str) -> parts.Service:
        return self.get("services", part_id)

    def engine(self, engine_id: str) -> parts.Engine:
        return self.get("engines", engine_id)

    def engine_efficiency(self, engine_id: str, gpu_class: str) -> parts.EngineEfficiency:
        """Factors for this engine on this GPU class, else the engine's '*' row."""
        self.engine(engine_id)
        rows = self._efficiency_index
        found = rows.get((engine_id, gpu_class)) or rows.get((engine_id, "*"))
        if found is None:
            raise CatalogError(f"no efficiency factors for engine '{engine_id}' in the catalog")
        return found

    @cached_property
    def _efficiency_index(self) -> dict[tuple[str, str], parts.EngineEfficiency]:
        return {(e.engine_id, e.gpu_class): e for e in self.list("engine_efficiency")}

    def training_efficiency(self, compute: str, gpu_class: str) -> parts.TrainingEfficiency | None:
        """Training kernel efficiency for this tensor rate on this GPU class, else the rate's '*' row, else None
        (the sizing core then uses its built-in copy of the calibrated default)."""
        rows = {(e.compute, e.gpu_class): e for e in self.list("training_efficiency")}
        return rows.get((compute, gpu_class)) or rows.get((compute, "*"))

    def cloud_rate(self, gpu_id: str) -> parts.CloudRate | None:
        return next((r for r in self.list("cloud_rates") if r.gpu_id == gpu_id), None)

    def circuit(self, circuit_id: str) -> parts.Circuit:
        return self.get("circuits", circuit_id)

    @cached_property
    def rule_params(self) -> dict[str, float]:
        return {p.key: p.value for p in self.list("rule_params")}

    def rule_param(self, key: str) -> float:
        try:
            return self.rule_params[key]
        except KeyError:
            raise CatalogError(f"catalog has no rule parameter '{key}'") from None

    def compute_rates(self, gpu_id: str) -> dict[str, float]:
        """Dense tensor TFLOPS (TOPS for int8) by rate name: 'fp16', 'fp8', 'fp4', 'int8'."""
        return {r["compute"]: r["dense_tflops"] for r in self.db["gpu_compute"].rows_where("gpu_id = ?", [gpu_id])}

    # -- prices -----------------------------------------------------------------------------------
    @cached_property
    def edition(self) -> str:
        row = self.db.execute("select value from catalog_meta where key = 'edition'").fetchone()
        return row[0] if row else "customer"

    @cached_property
    def has_costs(self) -> bool:
        return schema.COST_TABLE in self.db.table_names()

    @cached_property
    def _price_table(self) -> dict[str, parts.PriceInfo]:
        """Every price row, read once: the live analysis prices a build on every change."""
        costs: dict[str, Decimal] = {}
        if self.has_costs:
            costs = {pid: Decimal(cost) for pid, cost in self.db.execute("select id, cost from costs")}
        return {
            pid: parts.PriceInfo(pid, Decimal(price), currency, basis, source or "", costs.get(pid))
            for pid, price, currency, basis, source in self.db.execute(
                "select id, list_price, currency, price_basis, source from prices")
        }

    def price(self, part_id: str) -> parts.PriceInfo | None:
        return self._price_table.get(part_id)

    def prices(self) -> dict[str, parts.PriceInfo]:
        return dict(self._price_table)
