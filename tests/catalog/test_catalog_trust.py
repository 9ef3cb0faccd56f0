"""The catalog side of issue 12: the running app follows price imports, the import refuses what it used to
take silently, nothing internal reaches the customer edition, and CSV cells cannot run as formulas."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

import pytest

from configurator.catalog import CatalogRepository
from configurator.catalog.prices import PriceImportError, import_prices
from configurator.cli import run
from tests.conftest import ROOT

BUILD = str(ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json")


def write(tmp_path, text: str, name: str = "prices.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the running app follows the catalog ----------------------------------------------------------------
def test_an_open_repository_sees_an_import_from_another_process(writable_catalog, tmp_path):
    repo = CatalogRepository(writable_catalog)
    try:
        old = repo.price("rtx-pro-6000-maxq").list_price
        assert not repo.prices_changed()
        env = {**os.environ, "CONFIGURATOR_CATALOG": str(writable_catalog)}
        csv = write(tmp_path, f"id,list_price\nrtx-pro-6000-maxq,{old + 1000}\n")
        done = subprocess.run([sys.executable, "-m", "configurator", "catalog", "import-prices", str(csv)], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert repo.prices_changed()
        assert repo.price("rtx-pro-6000-maxq").list_price == old + 1000  # before the next price or quote
        assert not repo.prices_changed()
        import_prices(writable_catalog, write(tmp_path, f"id,list_price\nrtx-pro-6000-maxq,{old}\n", "b.csv"))
        assert repo.prices()["rtx-pro-6000-maxq"].list_price == old  # an import in this process too
    finally:
        repo.close()


# -- what the import refuses ----------------------------------------------------------------------------
@pytest.mark.parametrize("line,reason", [
    ("rtx-pro-6000-maxq,9000.00,EUR", "not the catalog's currency USD"),
    ("rtx-pro-6000-maxq,-0,", "is negative"),
    ("rtx-pro-6000-maxq,١٥٩٩,", "digits 0-9"),
    ("rtx-pro-6000-maxq,1_599,", "digits 0-9"),
    ("rtx-pro-6000-maxq,1e3,", "digits 0-9"),
    ("rtx-pro-6000-maxq,1599.005,", "fractions of a cent"),
    ("rtx-pro-6000-maxq,\"1,599.00\",", "comma"),
])
def test_bad_amounts_and_currencies_are_refused(writable_catalog, tmp_path, line, reason):
    before = writable_catalog.read_bytes()
    with pytest.raises(PriceImportError, match=reason):
        import_prices(writable_catalog, write(tmp_path, "id,list_price,currency\n" + line + "\n"))
    assert writable_catalog.read_bytes() == before


def test_trailing_zeros_are_an_amount(writable_catalog, tmp_path):
    assert import_prices(writable_catalog, write(tmp_path, "id,list_price\nrtx-pro-6000-maxq,9599.000\n")) == 1
    repo = CatalogRepository(writable_catalog)
    assert repo.price("rtx-pro-6000-maxq").list_price == Decimal("9599.00")
    repo.close()


def test_a_cost_above_the_list_price_is_refused(writable_catalog, tmp_path):
    with pytest.raises(PriceImportError, match="cost 9500.00 is above the list price 9000.00"):
        import_prices(writable_catalog, write(tmp_path, "id,list_price,cost\nrtx-pro-6000-maxq,9000,9500\n"))
    repo = CatalogRepository(writable_catalog)
    cost = repo.price("rtx-pro-6000-maxq").cost
    repo.close()
    with pytest.raises(PriceImportError, match="below its dealer cost"):
        import_prices(writable_catalog, write(tmp_path, f"id,list_price\nrtx-pro-6000-maxq,{cost - 1}\n", "b.csv"))


def test_an_import_stays_all_or_nothing_at_size(writable_catalog, tmp_path):
    con = sqlite3.connect(writable_catalog)
    ids = [r[0] for r in con.execute("select id from prices")]
    con.close()
    lines = [f"{pid},{1000 + i}.00" for i, pid in enumerate(ids)]
    lines[-1] = f"{ids[-1]},oops"
    before = writable_catalog.read_bytes()
    with pytest.raises(PriceImportError, match=f"line {len(ids) + 1}"):
        import_prices(writable_catalog, write(tmp_path, "id,list_price\n" + "\n".join(lines) + "\n"))
    assert writable_catalog.read_bytes() == before


# -- nothing internal in the customer edition -------------------------------------------------------------
def test_price_costs_is_refused_in_the_customer_edition_whatever_the_catalog(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))  # an internal catalog, with costs
    monkeypatch.setenv("CONFIGURATOR_EDITION", "customer")
    assert run(["price", BUILD, "--costs"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "customer edition" in err
    assert run(["price", BUILD, "--json"]) == 0
    assert "cost" not in capsys.readouterr().out
    repo = CatalogRepository(catalog_path)
    try:
        assert not repo.has_costs and repo.price("rtx-pro-6000-maxq").cost is None
    finally:
        repo.close()


def _checker():
    spec = importlib.util.spec_from_file_location("check_customer_catalog", ROOT / "packaging" /
                                                  "check_customer_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_customer_catalog_check_fails_on_an_internal_pricing_note(tmp_path):
    check = _checker()
    out = tmp_path / "customer.sqlite"
    from configurator.catalog.build import build_catalog

    build_catalog(out, edition="customer")
    assert check.findings(out) == []  # the shipped notes hold no internal pricing text
    con = sqlite3.connect(out)
    con.execute("update prices set source = 'estimate: included (cost carried in hardware margin)' "
                "where id = 'svc-warranty-3y-parts'")
    con.commit()
    con.close()
    found = check.findings(out)
    assert any(f.startswith("internal pricing text 'cost' in prices.source of 'svc-warranty-3y-parts'") for f in found)


def test_customer_documents_print_real_names_that_contain_internal_words(tmp_path, catalog_path, monkeypatch, capsys):
    """The word filter is gone: a customer called "Margin Call Capital LLC" and a build named "Low-cost 70B
    inference box" get their quote; the guard is on the data (no cost figure), tests/export/test_quote_pdf.py."""
    import json

    from tests.export.conftest import pdf_pages

    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))
    data = json.loads(open(BUILD, encoding="utf-8").read())
    data["name"] = "Low-cost 70B inference box"
    build = tmp_path / "b.json"
    build.write_text(json.dumps(data), encoding="utf-8")
    for name in ("Margin Call Capital LLC", "Cost Plus Drug Mart"):
        out = tmp_path / f"{name[:4]}.pdf"
        assert run(["quote", str(build), "-o", str(out), "--customer-name", name, "--bom",
                    str(tmp_path / f"{name[:4]}.csv")]) == 0, capsys.readouterr().err
        text = " ".join(pdf_pages(out))
        assert name in text and "Low-cost 70B inference box" in text


def test_csv_cells_that_look_like_formulas_are_neutralised(catalog):
    from configurator.core.buildfile import load
    from configurator.core.pricing import price_build
    from configurator.export.bom import bom_csv

    build = load(ROOT / "resources" / "examples" / "hgx-8x-b200.json", catalog)
    sheet = price_build(build)
    names = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    lines = tuple(replace(l, name=names[i % len(names)]) for i, l in enumerate(sheet.lines))
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(bom_csv(replace(sheet, lines=lines), "internal"), newline="")))
    for row in rows[:len(lines)]:
        assert row["description"].startswith("'") and row["description"][1:] in names
        assert not row["amount"].startswith("'")  # numbers stay numbers
