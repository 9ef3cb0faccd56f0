"""Build sheet PDF (parts and positions, power, cabling, firmware notes, burn-in sign-off) and BOM CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from configurator.core.pricing import price_build
from configurator.export.bom import bom_csv, write_bom
from configurator.export.build_sheet import build_sheet_document
from configurator.export.formatting import ExportError
from configurator.export.pdf import write_pdf
from tests.export.conftest import pdf_pages, squeeze


def test_build_sheet_lists_parts_with_positions_power_cabling_and_burn_in(tmp_path, example, branding):
    build, analysis = example("ws-2x-rtxpro6000-maxq")
    path = tmp_path / "sheet.pdf"
    write_pdf(build_sheet_document(build, analysis, branding, "Q-T3ST-00042-A"), path, analysis)
    text = " ".join(pdf_pages(path))
    flat = squeeze(text)
    # the technician orders by vendor and manufacturer part number (db/part_numbers.csv), not catalog ids
    for item in ("Phanteks", "90MB1FW0-M0AAY0", "SSR-1600TR2", "MTC40F2046S1RC64BD", "MZ-VAP4T0BW", "X710T2L"):
        assert item in flat, item
    assert "chassis-tower-ws" not in flat and "psu-atx-1600w" not in flat
    width = build.gpus[0].gpu.slot_width
    assert f"slots 1-{width}" in text and f"slots 5-{4 + width}" in text
    for expected in ("Power budget", "Full load", "At the wall", "Wall circuit", "NVLink and network cabling",
                     "Firmware and BIOS notes", "48-hour burn-in", "DCGM diagnostics", "initials / time",
                     "Sign-off", "Built by", "Burn-in by", "Quality check", "Signature", "Date"):
        assert expected in text, expected
    assert "$" not in text and "cost" not in text.lower()


def test_build_sheet_of_an_sxm_server_names_board_sockets_and_nic_rails(tmp_path, example, branding):
    build, analysis = example("cluster-4x8-h100")
    path = tmp_path / "sheet.pdf"
    write_pdf(build_sheet_document(build, analysis, branding), path, analysis)
    text = " ".join(pdf_pages(path))
    assert all(f"board socket {i}" in text for i in range(1, 9))
    assert "no external NVLink cables" in text and "rail-optimised" in text and "(per node)" in text


def test_a_build_with_errors_gets_a_do_not_build_banner(tmp_path, example, branding):
    build, analysis = example("invalid-sxm-6gpu")
    doc = build_sheet_document(build, analysis, branding)
    assert doc.banner.startswith("DO NOT BUILD")


def test_bom_customer_edition_has_list_prices_only(example):
    build, _ = example("hgx-8x-b200")
    sheet = price_build(build, discount_percent=Decimal(5), tax_percent=Decimal(20))
    assert sheet.cost is not None  # the internal catalog has costs; the customer CSV must not show them
    text = bom_csv(sheet, "customer", "Q-T3ST-00042-A")
    assert "cost" not in text.lower() and "margin" not in text.lower()
    rows = list(csv.DictReader(io.StringIO(text)))
    lines = [r for r in rows if r["line"]]
    assert [r["part_id"] for r in lines] == [l.id for l in sheet.lines]
    assert sum(Decimal(r["amount"]) for r in lines) == sheet.net
    assert {r["part_id"]: r["amount"] for r in rows if not r["line"]}["total"] == str(sheet.total)


def test_bom_internal_edition_adds_cost_and_margin(tmp_path, example):
    build, _ = example("hgx-8x-b200")
    sheet = price_build(build)
    path = write_bom(tmp_path / "bom.csv", sheet, "internal")
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["line"]]
    assert sum(Decimal(r["cost"]) for r in rows) == sheet.cost
    assert sum(Decimal(r["margin"]) for r in rows) == sheet.margin


def test_customer_bom_guard(example):
    build, _ = example("hgx-8x-b200")
    sheet = price_build(build)
    from dataclasses import replace

    # the guard is on the data (no cost column, no cost figure), not on words: a part named "Sold at cost" prints
    odd = replace(sheet, lines=(replace(sheet.lines[0], name="Sold at cost"),))
    text = bom_csv(odd, "customer")
    assert "Sold at cost" in text and "unit_cost" not in text.splitlines()[0]
    assert sheet.lines[0].cost is not None and str(sheet.lines[0].cost) not in text


def test_document_content_builders_load_without_qt():
    import subprocess
    import sys

    code = ("import sys\n"
            "import configurator.export.quote_content, configurator.export.build_sheet, configurator.export.bom\n"
            "import configurator.export.issue, configurator.export.branding, configurator.store.quotes\n"
            "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'pyqtgraph'))))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
