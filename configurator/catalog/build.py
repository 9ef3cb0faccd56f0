"""Build catalog.sqlite from the CSV sources in db/.

``configurator catalog build [--edition internal|customer] -o FILE``. The build writes a temporary file
next to the target and renames it into place, so a failed build never leaves a half catalog.
The customer edition has no cost table and no cost or margin column anywhere.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

from sqlite_utils import Database

from configurator.catalog import schema
from configurator.catalog.sources import CatalogSourceError, read_rows
from configurator.core import parts
from configurator.paths import db_dir

# table -> source files (the reference GPUs are kept only for calibration: not sellable)
SOURCE_FILES: dict[str, list[tuple[str, dict]]] = {
    "gpus": [("gpus.csv", {"sellable": True}), ("gpus_reference.csv", {"sellable": False})],
}
OPTIONAL_SOURCES = {"gpus_reference.csv"}
PART_NUMBERS = "part_numbers.csv"  # id, vendor, mfr_part_number, source: joined onto the sellable parts

COMPUTE_COLUMNS = {  # gpu_compute rows: tensor rate name -> gpus.csv column (dense)
    "fp16": "fp16_bf16_dense_tflops",
    "fp8": "fp8_dense_tflops",
    "fp4": "fp4_dense_tflops",
    "int8": "int8_dense_tops",
}


def sources_digest(source_dir: Path | None = None) -> str:
    """Hash of every source file: a user catalog built from other sources is rebuilt."""
    source_dir = source_dir or db_dir()
    h = hashlib.sha256()
    for path in sorted(source_dir.glob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _with_defaults(cls: type, row: dict, where: str) -> dict:
    out = {}
    for f in dataclasses.fields(cls):
        if f.name in row:
            out[f.name] = row[f.name]
        elif f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        else:
            raise CatalogSourceError(f"{where}: missing column '{f.name}'")
    return out


def _part_numbers(source_dir: Path) -> dict[str, dict]:
    """db/part_numbers.csv: id -> {vendor, mfr_part_number} (the manufacturer's part number and who makes the
    part, each row with its source). Optional: a catalog built without it has empty part numbers."""
    import csv

    path = source_dir / PART_NUMBERS
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "vendor", "mfr_part_number", "source"} - set(reader.fieldnames or [])
        if missing:
            raise CatalogSourceError(f"db/{PART_NUMBERS}: missing column(s) {', '.join(sorted(missing))}")
        out: dict[str, dict] = {}
        for line_no, row in enumerate(reader, start=2):
            if row["id"] in out:
                raise CatalogSourceError(f"db/{PART_NUMBERS} line {line_no}: duplicate id '{row['id']}'")
            out[row["id"]] = {"vendor": row["vendor"].strip(), "mfr_part_number": row["mfr_part_number"].strip(),
                              "line": line_no}
    return out


def _join_part_numbers(rows: list[dict], cls: type, numbers: dict[str, dict]) -> None:
    """Fill vendor and mfr_part_number from part_numbers.csv; a vendor the part's own source gives (gpus.csv,
    platforms.csv) is kept: it says whose GPU class the sizing uses."""
    names = {f.name for f in dataclasses.fields(cls)}
    for row in rows:
        found = numbers.get(row["id"])
        if found is None:
            continue
        if "mfr_part_number" in names:
            row["mfr_part_number"] = found["mfr_part_number"]
        if "vendor" in names and not row.get("vendor"):
            row["vendor"] = found["vendor"]


def _load_table(db: Database, table: str, cls: type, source_dir: Path,
                numbers: dict[str, dict] | None = None) -> list[dict]:
    files = SOURCE_FILES.get(table, [(f"{table}.csv", {})])
    rows: list[dict] = []
    for name, defaults in files:
        path = source_dir / name
        if not path.exists():
            if name in OPTIONAL_SOURCES:
                continue
            raise CatalogSourceError(f"catalog source db/{name} is missing")
        rows.extend(_with_defaults(cls, r, name) for r in read_rows(path, cls, defaults))
    pk = schema.PRIMARY_KEYS.get(table, "id")
    keys = [tuple(r[k] for k in ((pk,) if isinstance(pk, str) else pk)) for r in rows]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise CatalogSourceError(f"db/{table}: duplicate id(s) {', '.join('/'.join(map(str, d)) for d in dupes)}")
    if numbers:
        _join_part_numbers(rows, cls, numbers)
    db[table].insert_all(rows)
    return rows


def _load_money(db: Database, table: str, path: Path, column: str, known: set[str]) -> None:
    from configurator.catalog.prices import parse_decimal

    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for line_no, row in enumerate(rows, start=2):
        if row["id"] not in known:
            raise CatalogSourceError(f"db/{path.name} line {line_no}: unknown part id '{row['id']}'")
        value = parse_decimal(row[column])
        if value is None:
            raise CatalogSourceError(f"db/{path.name} line {line_no}: '{row[column]}' is not a price")
        row[column] = str(value)
    db[table].insert_all(rows)


def build_catalog(out: Path, edition: str = "internal", source_dir: Path | None = None) -> Path:
    """Write a complete catalog to ``out`` (atomically). Returns ``out``."""
    if edition not in ("internal", "customer"):
        raise CatalogSourceError(f"unknown edition '{edition}' (internal or customer)")
    source_dir = source_dir or db_dir()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.building")  # per process: parallel builds never share one
    tmp.unlink(missing_ok=True)
    db = Database(tmp)
    try:
        schema.apply(db)
        with db.atomic():
            sellable: set[str] = set()
            numbers = _part_numbers(source_dir)
            for table, cls in schema.TABLES.items():
                rows = _load_table(db, table, cls, source_dir, numbers if table in parts.SELLABLE_KINDS else None)
                if table in parts.SELLABLE_KINDS:
                    sellable.update(r["id"] for r in rows if r.get("sellable", True))
            gpu_rows = db["gpus"].rows
            db["gpu_compute"].insert_all(
                {"gpu_id": g["id"], "compute": name, "dense_tflops": g[col]}
                for g in gpu_rows
                for name, col in COMPUTE_COLUMNS.items()
                if g[col] is not None
            )
            _load_money(db, schema.PRICE_TABLE, source_dir / "prices.csv", "list_price", sellable)
            if edition == "internal":
                _load_money(db, schema.COST_TABLE, source_dir / "costs.csv", "cost", sellable)
            unknown = sorted(set(numbers) - sellable, key=lambda i: numbers[i]["line"])
            if unknown:
                raise CatalogSourceError(f"db/{PART_NUMBERS} line {numbers[unknown[0]]['line']}: unknown part id "
                                         f"'{unknown[0]}'")
            missing = sorted(sellable - {r["id"] for r in db[schema.PRICE_TABLE].rows})
            if missing:
                raise CatalogSourceError(f"db/prices.csv: no list price for {', '.join(missing)}")
            db["catalog_meta"].insert_all(
                [
                    {"key": "edition", "value": edition},
                    {"key": "sources_digest", "value": sources_digest(source_dir)},
                    {"key": "schema_version", "value": str(schema.SCHEMA_VERSION)},
                ]
            )
        if edition == "customer":
            db[schema.COST_TABLE].drop()
            db["price_imports"].transform(drop={"cost"})
            db.vacuum()  # no dropped cost page may linger in the file
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(tmp, out)
    return out
