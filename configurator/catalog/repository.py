"""The catalog repository: reads catalog.sqlite and returns core dataclasses (never rows, never Qt).

Damage and trouble are one line each (a CatalogError naming the file, and what to do): a dropped table or
column, a cell that does not hold its type (a price of 'abc'), a busy or unreadable file. Prices follow the
file: every price import bumps ``catalog_meta.prices_version`` (prices.py); before each price lookup the
repository asks SQLite whether another connection committed (``pragma data_version``, no I/O) and, when one
did and the stamp moved, reads the price table again. In the customer edition (``paths.edition()``) no
dealer cost is read, whatever catalog file it is pointed at.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

from sqlite_utils import Database

from configurator.catalog import schema
from configurator.core import parts
from configurator.core.database_errors import DAMAGED, DatabaseProblem, describe
from configurator.core.errors import ConfiguratorError, UnknownPartError

BUSY_TIMEOUT_S = 30.0  # a price import or a rebuild holding the write lock
WHAT = "parts catalog"
# SQLite storage classes each field type accepts (an int column read back as float 1.0 is fine as a float)
_ACCEPTS = {str: (str,), int: (int,), float: (float, int), bool: (int,), Decimal: (str, int)}


class CatalogError(ConfiguratorError):
    pass


class CatalogProblem(DatabaseProblem, CatalogError):
    """A catalog file that is damaged, busy or unreadable (one line naming it and what to do)."""


@contextlib.contextmanager
def _reading(path: Path, doing: str):
    try:
        yield
    except sqlite3.Error as exc:
        problem = describe(exc, path, WHAT, doing)
        raise CatalogProblem(str(problem), problem.kind, path) from None


def _damaged(path: Path, detail: str) -> CatalogProblem:
    return CatalogProblem(f"the {WHAT} {path} is damaged ({detail}): start the app to rebuild it from the catalog "
                          f"sources; nothing was changed", DAMAGED, path)


# SQLite storage classes (typeof) each field type may hold; the column is checked in SQL, in one query per table
_SQL_TYPES = {str: ("text",), int: ("integer",), float: ("real", "integer"), bool: ("integer",),
              Decimal: ("text", "integer")}


def _bad_cell_query(table: str, fields: list) -> str:
    conditions = []
    for name, py, nullable in fields:
        allowed = ", ".join(f"'{t}'" for t in _SQL_TYPES[py] + (("null",) if nullable else ()))
        conditions.append(f'typeof("{name}") not in ({allowed})')
        if py is bool:
            conditions.append(f'"{name}" not in (0, 1)')
    return f'select rowid from "{table}" where {" or ".join(conditions)} limit 1'


def _check_row(fields: list, row: tuple, table: str, path: Path) -> None:
    """The CatalogProblem naming the first bad cell of ``row`` (a row the SQL check found)."""
    for (name, py, nullable), value in zip(fields, row):
        if value is None:
            if not nullable:
                raise _damaged(path, f"{table} row '{row[0]}': column {name} is empty")
        elif type(value) not in _ACCEPTS[py] or (py is bool and value not in (0, 1)):
            raise _damaged(path, f"{table} row '{row[0]}': column {name} holds {value!r}, not a {py.__name__}")


def _rows_as(cls: type, table: str, conn: sqlite3.Connection, path: Path, part_id: str | None = None) -> list:
    """Every row of ``table`` as a ``cls``; a cell that does not hold its field's type (a text in a number
    column, an empty required cell, a bool that is not 0/1, an amount that is not one) is a CatalogProblem
    naming the table, the row and the column.

    The types are checked by SQLite in one query per table and the objects made without a per-field Python
    check (frozen dataclasses built from their field dict): 50,000 parts load in about 0.1 s.
    """
    types_ = schema.field_types(cls)
    fields = [(f.name, *types_[f.name]) for f in dataclasses.fields(cls)]
    columns = ", ".join(f'"{name}"' for name, _, _ in fields)
    if part_id is None:
        bad = conn.execute(_bad_cell_query(table, fields)).fetchone()
        if bad is not None:
            _check_row(fields, conn.execute(f'select {columns} from "{table}" where rowid = ?', bad).fetchone(),
                       table, path)
        rows = conn.execute(f'select {columns} from "{table}" order by rowid').fetchall()
    else:  # one part (loading a build file): the same checks, in Python, on its row
        rows = conn.execute(f'select {columns} from "{table}" where id = ?', [part_id]).fetchall()
        for row in rows:
            _check_row(fields, row, table, path)
    names = [name for name, _, _ in fields]
    bools = [i for i, (_, py, _) in enumerate(fields) if py is bool]
    decimals = [i for i, (_, py, _) in enumerate(fields) if py is Decimal]
    new, set_dict = object.__new__, object.__setattr__
    out = []
    for row in rows:
        if bools or decimals:
            row = list(row)
            for i in bools:
                if row[i] is not None:
                    row[i] = bool(row[i])
            for i in decimals:
                if row[i] is not None:
                    try:
                        row[i] = Decimal(row[i])
                    except InvalidOperation:
                        raise _damaged(path, f"{table} row '{row[0]}': column {names[i]} holds {row[i]!r}, not an "
                                             f"amount") from None
        obj = new(cls)
        set_dict(obj, "__dict__", dict(zip(names, row)))
        out.append(obj)
    if hasattr(cls, "__post_init__"):  # a part type that checks itself gets its check (none does today)
        for obj in out:
            obj.__post_init__()
    return out


class LazyPrices(Mapping):
    """Price rows read at once, each made a PriceInfo when first looked up (50,000 at start cost nothing)."""

    def __init__(self, rows: dict[str, tuple], path: Path):
        self._rows = rows
        self._made: dict[str, parts.PriceInfo] = {}
        self._path = path

    def __getitem__(self, part_id: str) -> parts.PriceInfo:
        info = self._made.get(part_id)
        if info is None:
            price, currency, basis, source, cost = self._rows[part_id]
            try:
                info = parts.PriceInfo(part_id, Decimal(price), currency, basis, source or "",
                                       None if cost is None else Decimal(cost))
            except (InvalidOperation, TypeError):
                bad = price if not _is_amount(price) else cost
                raise _damaged(self._path, f"price of '{part_id}' is {bad!r}, not an amount") from None
            self._made[part_id] = info
        return info

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, part_id) -> bool:
        return part_id in self._rows


class CatalogRepository:
    """Read access to one catalog file. All lists are loaded once and cached (the catalog is small)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise CatalogError(f"catalog file {self.path} does not exist")
        try:
            self.db = Database(sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S))
            tables = set(self.db.table_names())
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"catalog file {self.path} is not a readable catalog ({exc})") from None
        missing = [t for t in schema.TABLES if t not in tables]
        if missing:
            raise CatalogError(f"catalog file {self.path} lacks table(s) {', '.join(missing)}")
        self._cache: dict[str, list] = {}
        self._prices: LazyPrices | None = None
        self._price_one: dict[str, parts.PriceInfo | None] = {}
        self._prices_stamp: str | None = None
        self._data_version: int | None = None

    def close(self) -> None:
        self.db.close()

    # -- generic access ---------------------------------------------------------------------------
    def list(self, kind: str) -> list:
        if kind not in schema.TABLES:
            raise CatalogError(f"unknown catalog kind '{kind}' (one of {', '.join(parts.PART_KINDS)})")
        if kind not in self._cache:
            with _reading(self.path, f"reading {kind}"):
                self._cache[kind] = _rows_as(schema.TABLES[kind], kind, self.db.conn, self.path)
        return self._cache[kind]

    def _index(self, kind: str) -> dict[str, object]:
        key = f"_index_{kind}"
        if key not in self._cache:
            self._cache[key] = {p.id: p for p in self.list(kind)}  # type: ignore[assignment]
        return self._cache[key]  # type: ignore[return-value]

    def _lookup(self, kind: str, part_id: str):
        """The part, or None: from the loaded list, else one indexed row (loading a build file reads its parts,
        not a 50,000-part list)."""
        if kind in self._cache:
            return self._index(kind).get(part_id)
        one = self._cache.setdefault(f"_one_{kind}", {})  # type: ignore[arg-type]
        if part_id not in one:
            with _reading(self.path, f"reading {kind}"):
                found = _rows_as(schema.TABLES[kind], kind, self.db.conn, self.path, part_id)
            one[part_id] = found[0] if found else None  # type: ignore[index]
        return one[part_id]  # type: ignore[index]

    def get(self, kind: str, part_id: str):
        if kind not in schema.TABLES:
            raise CatalogError(f"unknown catalog kind '{kind}' (one of {', '.join(parts.PART_KINDS)})")
        part = self._lookup(kind, part_id) if isinstance(part_id, str) else None
        if part is None:
            raise UnknownPartError(part_id, kind.rstrip("s") if kind != "chassis" else kind)
        return part

    def find(self, part_id: str) -> tuple[str, object]:
        """(kind, part) for an id of any kind."""
        if isinstance(part_id, str):
            for kind in parts.PART_KINDS:
                part = self._lookup(kind, part_id)
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

    # -- technician facts (issue 18) --------------------------------------------------------------
    @cached_property
    def _board_slots(self) -> dict[str, list[parts.BoardSlot]]:
        out: dict[str, list[parts.BoardSlot]] = {}
        for row in self.list("board_slots"):
            out.setdefault(row.board, []).append(row)
        return {board: sorted(rows, key=lambda r: r.slot) for board, rows in out.items()}

    def board_slots(self, board: str) -> list[parts.BoardSlot]:
        """The expansion slots of a motherboard (Platform.board), by position; [] when the catalog has none."""
        return list(self._board_slots.get(board, []))

    def memory_speeds(self, platform_id: str) -> list[parts.MemorySpeed]:
        """The platform's memory speed rows (by DIMMs per channel and ranks); [] when the catalog has none."""
        return [r for r in self.list("memory_speeds") if r.platform_id == platform_id]

    @cached_property
    def _gpu_fit(self) -> dict[str, parts.GpuFit]:
        return {r.gpu_id: r for r in self.list("gpu_fit")}

    def gpu_fit(self, gpu_id: str) -> parts.GpuFit | None:
        """Power connectors and NVLink attachments of a PCIe card (None: not in db/gpu_fit.csv)."""
        return self._gpu_fit.get(gpu_id)

    def compute_rates(self, gpu_id: str) -> dict[str, float]:
        """Dense tensor TFLOPS (TOPS for int8) by rate name: 'fp16', 'fp8', 'fp4', 'int8'."""
        with _reading(self.path, "reading tensor rates"):
            return dict(self.db.conn.execute("select compute, dense_tflops from gpu_compute where gpu_id = ?",
                                             [gpu_id]).fetchall())

    # -- prices -----------------------------------------------------------------------------------
    @cached_property
    def edition(self) -> str:
        row = self.db.execute("select value from catalog_meta where key = 'edition'").fetchone()
        return row[0] if row else "customer"

    @cached_property
    def has_costs(self) -> bool:
        """Dealer costs are read only in the internal edition, whatever catalog file this is."""
        from configurator.paths import edition

        return edition() == "internal" and schema.COST_TABLE in self.db.table_names()

    def _read_stamp(self) -> str:
        row = self.db.conn.execute("select value from catalog_meta where key = 'prices_version'").fetchone()
        return row[0] if row else ""

    def _read_prices(self) -> LazyPrices:
        with _reading(self.path, "reading prices"):
            own = not self.db.conn.in_transaction
            if own:
                self.db.conn.execute("BEGIN")  # one snapshot: the stamp and the rows of the same import
            try:
                stamp = self._read_stamp()
                price_rows = self.db.conn.execute(
                    "select id, list_price, currency, price_basis, source from prices").fetchall()
                cost_rows = self.db.conn.execute("select id, cost from costs").fetchall() if self.has_costs else []
            finally:
                if own:
                    self.db.conn.rollback()
        costs = dict(cost_rows)
        table = LazyPrices({pid: (price, currency, basis, source, costs.get(pid))
                            for pid, price, currency, basis, source in price_rows}, self.path)
        self._prices_stamp = stamp
        return table

    def _follow_imports(self) -> None:
        """Forget the prices read so far when a price import committed since (another connection's commit
        moves ``pragma data_version``, a counter SQLite keeps in memory; the stamp tells an import apart)."""
        with _reading(self.path, "checking for new prices"):
            version = self.db.conn.execute("pragma data_version").fetchone()[0]
            if version != self._data_version:
                stamp = self._read_stamp()
                if stamp != self._prices_stamp:
                    self._prices, self._price_one, self._prices_stamp = None, {}, stamp
                self._data_version = version

    def _price_table(self) -> LazyPrices:
        """Every price row, read once and again only after a price import."""
        self._follow_imports()
        if self._prices is None:
            self._prices = self._read_prices()
        return self._prices

    def prices_changed(self) -> bool:
        """Whether a price import committed since the prices were last read (the window polls this)."""
        if self._prices is None and not self._price_one:
            return False
        with _reading(self.path, "checking for new prices"):
            version = self.db.conn.execute("pragma data_version").fetchone()[0]
            return version != self._data_version and self._read_stamp() != self._prices_stamp

    def price(self, part_id: str) -> parts.PriceInfo | None:
        """One part's price: from the whole table once a caller listed every price, else read alone (a
        command pricing one build reads its dozen rows, not 50,000)."""
        self._follow_imports()
        if self._prices is not None:
            return self._prices.get(part_id)
        if part_id not in self._price_one:
            cost = ", (select cost from costs where costs.id = prices.id)" if self.has_costs else ", null"
            with _reading(self.path, "reading a price"):
                row = self.db.conn.execute(f"select list_price, currency, price_basis, source{cost} from prices "
                                           f"where id = ?", [part_id]).fetchone()
            self._price_one[part_id] = None if row is None else LazyPrices({part_id: row}, self.path)[part_id]
        return self._price_one[part_id]

    def prices(self) -> Mapping[str, parts.PriceInfo]:
        """Every price by part id (read-only; each PriceInfo is made when first looked up)."""
        return self._price_table()


def _is_amount(value) -> bool:
    try:
        return value is not None and Decimal(value).is_finite()
    except (InvalidOperation, TypeError, ValueError):
        return False
