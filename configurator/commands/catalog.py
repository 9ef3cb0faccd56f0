"""`configurator catalog build|list|import-prices`."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

from configurator.core import parts

# Extra columns shown in the plain listing of each kind (the --json listing has every field).
SUMMARY_COLUMNS = {
    "gpus": ("memory_gb", "bandwidth_tb_s", "fp16_bf16_dense_tflops", "tdp_w", "form_factor"),
    "models": ("params_b", "active_params_b", "layers", "kv_heads"),
    "precisions": ("bits_per_weight", "compute"),
    "platforms": ("memory_channels", "pcie_lanes", "segment"),
    "chassis": ("kind", "max_gpus", "psu_bays"),
    "psus": ("watts", "form"),
    "memory": ("capacity_gb", "speed_mts"),
    "storage": ("capacity_tb", "interface"),
    "network": ("fabric", "speed_gbps"),
    "bridges": ("gpus", "ways"),
    "services": ("kind", "years", "per"),
    "engines": ("default_parallel", "memory_fraction"),
}


def register(sub) -> None:
    p = sub.add_parser("catalog", help="build, list and update the parts catalog")
    csub = p.add_subparsers(dest="catalog_command", metavar="ACTION", required=True, parser_class=type(p))

    b = csub.add_parser("build", help="build a catalog file from the db/ sources")
    b.add_argument("--edition", choices=("internal", "customer"), default="internal")
    b.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    b.set_defaults(func=_build)

    ls = csub.add_parser("list", help="list the parts of one kind")
    ls.add_argument("kind", choices=list(parts.PART_KINDS))
    ls.add_argument("--filter", default="", help="words that id or name must contain")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)

    ip = csub.add_parser("import-prices", help="apply a price CSV (id,list_price[,cost][,currency]): all rows or none")
    ip.add_argument("file", type=Path)
    ip.set_defaults(func=_import)


def _build(args) -> int:
    from configurator.catalog.build import build_catalog

    out = build_catalog(args.output, edition=args.edition)
    print(f"wrote {args.edition} catalog {out}")
    return 0


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def part_record(repo, part) -> dict:
    record = {k: _jsonable(v) for k, v in dataclasses.asdict(part).items()}
    price = repo.price(record.get("id", "")) if "id" in record else None
    if price is not None:
        record["list_price"] = str(price.list_price)
        record["currency"] = price.currency
        record["price_basis"] = price.price_basis
    return record


def _list(args) -> int:
    from configurator.catalog import open_catalog

    repo = open_catalog()
    items = repo.filter(args.kind, args.filter)
    if args.json:
        print(json.dumps([part_record(repo, p) for p in items], indent=1))
        return 0
    cols = SUMMARY_COLUMNS.get(args.kind, ())
    for p in items:
        extra = "  ".join(f"{c}={getattr(p, c)}" for c in cols)
        print(f"{p.id:32} {p.name:48} {extra}")
    return 0


def _import(args) -> int:
    from configurator.catalog.locate import ensure_catalog
    from configurator.catalog.prices import import_prices

    path = ensure_catalog()
    count = import_prices(path, args.file)
    print(f"imported {count} price rows into {path}")
    return 0
