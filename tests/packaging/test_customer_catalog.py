"""The customer catalog, built through the command line as a release builds it, holds no cost or margin
data: no such table or column, and no dealer cost from db/costs.csv (one that is not also a list price)
in any cell or anywhere in the file's bytes. The checker itself is packaging/check_customer_catalog.py
(also run by .ci/run); the internal catalog and a carelessly built customer file prove it can fail.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("check_customer_catalog", ROOT / "packaging" / "check_customer_catalog.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


@pytest.fixture(scope="module")
def customer_catalog(tmp_path_factory):
    out = tmp_path_factory.mktemp("customer") / "catalog-customer.sqlite"
    done = subprocess.run([sys.executable, "-m", "configurator", "catalog", "build", "--edition", "customer",
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def test_the_cost_values_checked_are_real_and_not_list_prices():
    amounts, notes = check.internal_values()
    assert len(amounts) >= 20 and notes  # the check has something to look for
    prices = (ROOT / "db" / "prices.csv").read_text(encoding="utf-8")
    assert not any(f",{a}," in prices for a in amounts)


def test_customer_catalog_built_by_the_cli_holds_no_cost_data(customer_catalog):
    assert check.findings(customer_catalog) == []
    con = sqlite3.connect(customer_catalog)
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        assert "costs" not in tables and "prices" in tables
        assert con.execute("select count(*) from prices").fetchone()[0] > 50  # list prices are all there
    finally:
        con.close()


def test_the_check_finds_cost_data_in_the_internal_catalog(catalog_path):
    found = check.findings(catalog_path)
    assert "table costs" in found and "column costs.cost" in found
    assert any(f.startswith("value '") and "costs.cost" in f for f in found)
    assert any(f.startswith("bytes ") for f in found)


def test_the_check_finds_costs_left_in_free_pages_or_renamed(customer_catalog, tmp_path):
    amounts, _ = check.internal_values()
    leaked = sorted(amounts)[0]
    careless = tmp_path / "careless.sqlite"
    shutil.copy(customer_catalog, careless)
    con = sqlite3.connect(careless)
    con.execute("create table extras (id text, note text)")
    con.execute("insert into extras values ('h200-sxm', ?)", [leaked])
    con.commit()
    assert any(f"value '{leaked}' in extras.note" == f for f in check.findings(careless))
    con.execute("pragma secure_delete = off")  # some SQLite builds zero deleted content by default
    con.execute("delete from extras")  # deleted but not vacuumed: the bytes stay in a free page
    con.commit()
    con.close()
    assert f"bytes '{leaked}' in the file" in check.findings(careless)


def test_the_check_script_exit_status(customer_catalog, catalog_path):
    script = ROOT / "packaging" / "check_customer_catalog.py"
    ok = subprocess.run([sys.executable, str(script), str(customer_catalog)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, str(script), str(catalog_path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "table costs" in bad.stderr
