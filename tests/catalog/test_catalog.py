"""The catalog builds from db/ and holds the shared reference data with every value."""

from __future__ import annotations

import csv
import sqlite3
from decimal import Decimal

import pytest

from configurator.catalog import CatalogRepository
from configurator.catalog.build import build_catalog
from configurator.catalog.repository import CatalogError
from configurator.core.errors import UnknownPartError
from tests.conftest import ROOT, SHARED_DATA


def _shared_rows(name: str) -> list[dict]:
    path = SHARED_DATA / name
    if not path.exists():  # CI lays shared/ beside the clone; db/ keeps the copy otherwise
        path = ROOT / "db" / name
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _same(expected: str, actual) -> bool:
    if expected.strip() == "":
        return actual is None or actual == ""
    if isinstance(actual, bool):
        return actual == (expected.strip().lower() == "yes")
    if isinstance(actual, (int, float)):
        return float(expected) == pytest.approx(float(actual))
    return str(actual) == expected


def test_every_shared_gpu_with_every_column(catalog):
    rows = _shared_rows("gpus.csv")
    assert len(rows) == 25
    for row in rows:
        gpu = catalog.gpu(row["id"])
        assert gpu.sellable
        for column, value in row.items():
            assert _same(value, getattr(gpu, column)), f"{row['id']}.{column}: {value!r} vs {getattr(gpu, column)!r}"


def test_every_shared_model_with_every_column(catalog):
    rows = _shared_rows("models.csv")
    assert len(rows) >= 16
    for row in rows:
        model = catalog.model(row["id"])
        for column, value in row.items():
            assert _same(value, getattr(model, column)), f"{row['id']}.{column}"


@pytest.mark.parametrize(
    "precision_id,bits",
    [("fp32", 32), ("bf16", 16), ("fp16", 16), ("fp8", 8), ("int8", 8), ("fp4", 4), ("nvfp4", 4.5),
     ("mxfp4", 4.25), ("q8_0", 8.5), ("q6_k", 6.57), ("q5_k_m", 5.70), ("q4_k_m", 4.90), ("q4_0", 4.64),
     ("q3_k_m", 4.00), ("q2_k", 3.17), ("nf4", 4.13)],
)
def test_precisions_bits_per_weight(catalog, precision_id, bits):
    assert catalog.precision(precision_id).bits_per_weight == pytest.approx(bits)


def test_fp8_fp4_compute_follows_the_datasheet_columns(catalog):
    for gpu in catalog.gpus():
        rates = catalog.compute_rates(gpu.id)
        assert ("fp8" in rates) == (gpu.fp8_dense_tflops is not None)
        assert ("fp4" in rates) == (gpu.fp4_dense_tflops is not None)
    assert "fp4" in catalog.compute_rates("b200-sxm")
    assert "fp4" not in catalog.compute_rates("h100-sxm")
    assert "fp8" not in catalog.compute_rates("a100-80gb-sxm")


def test_platforms_chassis_and_parts_present(catalog):
    sockets = {p.socket for p in catalog.list("platforms")}
    assert {"sWRX9", "LGA4677", "SP5"} <= sockets
    assert any(p.sockets == 2 and p.socket == "SP5" for p in catalog.list("platforms"))
    wrx90 = [p for p in catalog.list("platforms") if p.socket == "sWRX9"]
    assert all(p.memory_channels == 8 and p.pcie_lanes == 128 for p in wrx90)
    kinds = {c.kind for c in catalog.list("chassis")}
    assert {"tower", "pcie_server", "hgx"} <= kinds
    assert {c.max_gpus for c in catalog.list("chassis") if c.kind == "hgx"} >= {4, 8}
    assert {m.capacity_gb for m in catalog.list("memory")} >= {32, 64, 96, 128}
    assert any(n.fabric == "infiniband" and n.speed_gbps == 400 for n in catalog.list("network"))
    assert {e.id for e in catalog.list("engines")} >= {"llama.cpp", "vllm", "trtllm", "sglang"}
    assert any(s.kind == "burn_in" for s in catalog.list("services"))
    assert catalog.cloud_rate("h100-sxm").basis == "assumption"


def test_every_sellable_part_has_a_list_price_and_source(catalog):
    for kind in ("gpus", "platforms", "chassis", "psus", "memory", "storage", "network", "bridges", "services"):
        for part in catalog.list(kind):
            if getattr(part, "sellable", True):
                price = catalog.price(part.id)
                assert price is not None, part.id
                assert isinstance(price.list_price, Decimal)
                # Only an included service (the standard warranty) may be free.
                assert price.list_price > 0 or kind == "services", part.id
                assert price.cost is not None and price.cost <= price.list_price, part.id
            assert part.source.strip(), f"{part.id} has no source"


def test_msrp_used_where_gpus_csv_has_one(catalog):
    for row in _shared_rows("gpus.csv"):
        price = catalog.price(row["id"])
        if row["approx_price_usd"]:
            assert price.list_price == Decimal(row["approx_price_usd"])
            assert price.price_basis == "msrp"
        else:
            assert price.price_basis == "estimate"


def test_customer_edition_has_no_cost_anywhere(tmp_path):
    path = build_catalog(tmp_path / "customer.sqlite", edition="customer")
    repo = CatalogRepository(path)
    assert not repo.has_costs
    assert repo.price("h100-sxm").cost is None
    con = sqlite3.connect(path)
    try:
        for (table,) in con.execute("select name from sqlite_master where type = 'table'"):
            assert "cost" not in table.lower() and "margin" not in table.lower()
            columns = [r[1].lower() for r in con.execute(f"pragma table_info('{table}')")]
            assert not any("cost" in c or "margin" in c for c in columns), (table, columns)
    finally:
        con.close()
        repo.close()


def test_unknown_ids_and_kinds_are_named(catalog):
    with pytest.raises(UnknownPartError, match="no-such-gpu"):
        catalog.gpu("no-such-gpu")
    with pytest.raises(CatalogError, match="unknown catalog kind"):
        catalog.list("spaceships")


def test_filter_matches_all_words_in_id_or_name(catalog):
    found = {g.id for g in catalog.filter("gpus", "rtx pro 6000")}
    assert found == {"rtx-pro-6000-we", "rtx-pro-6000-maxq", "rtx-pro-6000-server"}
    assert catalog.filter("gpus", "H200") and all("h200" in g.id for g in catalog.filter("gpus", "H200"))
    assert catalog.filter("gpus", "zzz-nothing") == []


def test_corrupt_catalog_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "catalog.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CatalogError, match="not a readable catalog"):
        CatalogRepository(bad)
