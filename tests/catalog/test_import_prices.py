"""`catalog import-prices`: a good file applies; any bad row changes nothing and is named by line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal

import pytest

from configurator.catalog import CatalogRepository
from configurator.catalog.prices import PriceImportError, import_prices


def _money_tables(path) -> tuple[list, list]:
    con = sqlite3.connect(path)
    try:
        return (list(con.execute("select * from prices order by id")),
                list(con.execute("select * from costs order by id")))
    finally:
        con.close()


def test_good_file_updates_list_price_and_cost(writable_catalog, tmp_path):
    csv_file = tmp_path / "prices.csv"
    csv_file.write_text("id,list_price,cost,currency\nh100-sxm,28999.50,24000.00,USD\nl40s,8100,,\n")
    assert import_prices(writable_catalog, csv_file) == 2
    repo = CatalogRepository(writable_catalog)
    try:
        assert repo.price("h100-sxm").list_price == Decimal("28999.50")
        assert repo.price("h100-sxm").cost == Decimal("24000.00")
        assert repo.price("l40s").list_price == Decimal("8100.00")
        assert repo.price("l40s").price_basis == "list"
    finally:
        repo.close()


BAD_FILES = {
    "unknown id": ("id,list_price\nh100-sxm,100\nnot-a-part,5\n", ["line 3", "unknown part id 'not-a-part'"]),
    "non-numeric": ("id,list_price\nh100-sxm,lots\n", ["line 2", "'lots'"]),
    "negative": ("id,list_price\nh100-sxm,100\nl40s,-5\n", ["line 3", "'-5'"]),
    "duplicate": ("id,list_price\nh100-sxm,100\nl40s,5\nh100-sxm,7\n", ["line 4", "duplicate id 'h100-sxm'"]),
    "wrong header": ("part,price\nh100-sxm,100\n", ["line 1", "header"]),
    "empty": ("", ["empty"]),
    "short row": ("id,list_price\nh100-sxm\n", ["line 2", "expected 2 cells"]),
    "sub-cent": ("id,list_price\nh100-sxm,1.005\n", ["line 2"]),
    "bad currency": ("id,list_price,currency\nh100-sxm,100,dollars\n", ["line 2", "currency"]),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_changes_nothing(writable_catalog, tmp_path, kind):
    text, expected = BAD_FILES[kind]
    csv_file = tmp_path / "prices.csv"
    csv_file.write_text(text)
    before = _money_tables(writable_catalog)
    with pytest.raises(PriceImportError) as info:
        import_prices(writable_catalog, csv_file)
    for fragment in expected:
        assert fragment in str(info.value)
    assert _money_tables(writable_catalog) == before


def test_every_bad_line_is_listed(writable_catalog, tmp_path):
    csv_file = tmp_path / "prices.csv"
    csv_file.write_text("id,list_price\nh100-sxm,100\nnope,1\nl40s,x\nh100-sxm,3\n")
    with pytest.raises(PriceImportError) as info:
        import_prices(writable_catalog, csv_file)
    message = str(info.value)
    assert "line 3" in message and "line 4" in message and "line 5" in message
    assert "line 2:" not in message


def _cli(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "configurator", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_cli_import_updates_the_user_catalog_and_bad_file_exits_2(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("id,list_price\nl40s,7777.77\n")
    proc = _cli("catalog", "import-prices", str(good))
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(_cli("catalog", "list", "gpus", "--json").stdout)
    assert next(g for g in listed if g["id"] == "l40s")["list_price"] == "7777.77"

    bad = tmp_path / "bad.csv"
    bad.write_text("id,list_price\nl40s,1\nghost,2\n")
    proc = _cli("catalog", "import-prices", str(bad))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "line 3" in proc.stderr
    listed = json.loads(_cli("catalog", "list", "gpus", "--json").stdout)
    assert next(g for g in listed if g["id"] == "l40s")["list_price"] == "7777.77"


def test_cli_catalog_list_json_fields():
    proc = _cli("catalog", "list", "gpus", "--json")
    assert proc.returncode == 0, proc.stderr
    gpus = json.loads(proc.stdout)
    keys = {"id", "name", "memory_gb", "bandwidth_tb_s", "fp16_bf16_dense_tflops", "fp8_dense_tflops",
            "fp4_dense_tflops", "tdp_w", "form_factor"}
    assert gpus and all(keys <= set(g) for g in gpus)
    for kind in ("models", "platforms", "chassis", "psus", "memory", "storage", "network", "services", "engines"):
        proc = _cli("catalog", "list", kind, "--json")
        assert proc.returncode == 0, (kind, proc.stderr)
        items = json.loads(proc.stdout)
        assert items and all({"id", "name"} <= set(i) for i in items), kind


def test_cli_catalog_build_customer_edition(tmp_path):
    out = tmp_path / "c.sqlite"
    proc = _cli("catalog", "build", "--edition", "customer", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(out)
    try:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    finally:
        con.close()
    assert "prices" in tables and "costs" not in tables


def test_cli_unknown_kind_is_one_line():
    proc = _cli("catalog", "list", "spaceships")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
