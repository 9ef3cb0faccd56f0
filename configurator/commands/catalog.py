"""`configurator catalog build|list|import-prices|import-model`."""

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

    im = csub.add_parser("import-model", help="add a model from a Hugging Face config.json (a local file) to the "
                                              "user database")
    im.add_argument("file", type=Path, help="the model's config.json")
    im.add_argument("--id", help="catalog id for it (default: from _name_or_path or the folder name)")
    im.add_argument("--name", help="display name (default: _name_or_path)")
    im.add_argument("--json", action="store_true", help="print the imported architecture as JSON")
    im.set_defaults(func=_import_model)


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
    if args.kind == "models":  # models imported from a config.json (user database) are listed after the catalog's
        words = args.filter.lower().split()
        items += [m for m in _imported_models() if all(w in f"{m.id} {m.name}".lower() for w in words)]
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


def import_model(path: Path, model_id: str | None = None, name: str | None = None, repo=None, db=None):
    """Import ``path`` into the user database and return the ModelArch (the window's import action calls this).

    Refuses an id the catalog already has; importing the same id again replaces the earlier import.
    """
    from configurator.catalog.hf_import import ModelImportError, import_model_file
    from configurator.core.errors import UnknownPartError
    from configurator.store.userdb import UserDatabase, user_database_path

    arch = import_model_file(path, model_id, name)
    own_repo = repo is None
    if own_repo:
        from configurator.catalog import open_catalog

        repo = open_catalog()
    try:
        try:
            repo.model(arch.id)
            raise ModelImportError(f"'{arch.id}' is already a catalog model: choose another --id")
        except UnknownPartError:
            pass
    finally:
        if own_repo:
            repo.close()
    own_db = db is None
    if own_db:
        db = UserDatabase(user_database_path())
    try:
        db.save_imported_model(arch, str(Path(path).resolve()))
    finally:
        if own_db:
            db.close()
    return arch


def _import_model(args) -> int:
    arch = import_model(args.file, args.id, args.name)
    if args.json:
        print(json.dumps(dataclasses.asdict(arch), indent=1))
        return 0
    kind = "MLA" if arch.attention == "mla" else ("GQA" if arch.kv_heads < arch.heads else "MHA")
    moe = (f", MoE {arch.experts} experts top-{arch.experts_active}"
           + (f" + {arch.shared_experts} shared" if arch.shared_experts else "")) if arch.is_moe else ", dense"
    print(f"imported model '{arch.id}' ({arch.name}): {arch.params_b:g}B parameters ({arch.active_params_b:g}B "
          f"active), {arch.layers} layers, {kind}{moe}")
    return 0


def _imported_models() -> list:
    from configurator.store.userdb import UserDatabase, user_database_path

    path = user_database_path()
    if not path.exists():
        return []
    db = UserDatabase(path)
    try:
        return db.imported_models()
    finally:
        db.close()
