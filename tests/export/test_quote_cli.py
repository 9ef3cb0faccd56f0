"""`configurator quote`: exit codes, nothing written on bad input, numbering and revisions."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from configurator.cli import run
from configurator.core.buildfile import load
from configurator.core.pricing import price_build
from configurator.present import money
from tests.export.conftest import EXAMPLES, pdf_pages


@pytest.fixture(autouse=True)
def _catalog(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def test_quote_writes_pdf_build_sheet_and_bom(tmp_path, capsys, catalog):
    out, sheet_pdf, bom = tmp_path / "q.pdf", tmp_path / "s.pdf", tmp_path / "bom.csv"
    code = run(["quote", str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json"), "-o", str(out), "--customer-name",
                "Jane Roe", "--discount", "5", "--tax", "8.25", "--build-sheet", str(sheet_pdf), "--bom", str(bom)])
    assert code == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("Q-") and line.split(":")[0].endswith("-00001-A")
    build = load(EXAMPLES / "ws-2x-rtxpro6000-maxq.json", catalog)
    expected = price_build(build, discount_percent=Decimal(5), tax_percent=Decimal("8.25"))
    text = " ".join(pdf_pages(out))
    assert f"Total USD {money(expected.total, 'USD')}" in text and "Jane Roe" in text
    assert "cost" not in text.lower() and "margin" not in text.lower()  # customer edition by default
    assert "Burn-in by" in " ".join(pdf_pages(sheet_pdf))
    rows = list(csv.DictReader(bom.open(encoding="utf-8")))
    assert rows[-1]["amount"] == str(expected.total) and "cost" not in rows[0]


def test_second_quote_gets_the_next_number_and_revise_makes_revision_b(tmp_path, capsys):
    build = str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")
    assert run(["quote", build, "-o", str(tmp_path / "a.pdf")]) == 0
    first = capsys.readouterr().out.split(":")[0]
    assert run(["quote", build, "-o", str(tmp_path / "b.pdf")]) == 0
    second = capsys.readouterr().out.split(":")[0]
    assert first.endswith("-00001-A") and second.endswith("-00002-A") and first[:7] == second[:7]
    assert run(["quote", build, "-o", str(tmp_path / "a2.pdf"), "--revise", first[:-2], "--discount", "20"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(first[:-2] + "-B:") and "pending approval" in out
    assert "pending approval" in " ".join(pdf_pages(tmp_path / "a2.pdf")).lower()


def test_approval_code_clears_pending(tmp_path, capsys):
    build = str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")
    # a made-up code approves nothing: refused, nothing written (the signed flow: tests/export/test_approval_cli.py)
    assert run(["quote", build, "-o", str(tmp_path / "x.pdf"), "--discount", "15", "--approval-code", "MGR-7781"]) == 2
    assert not (tmp_path / "x.pdf").exists() and "approval code refused" in capsys.readouterr().err
    assert run(["approver", "new-key", str(tmp_path / "k.pem")]) == 0
    assert run(["approver", "trust", capsys.readouterr().out.strip()]) == 0
    capsys.readouterr()
    assert run(["quote", build, "-o", str(tmp_path / "a.pdf"), "--discount", "15"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    label, total = first.split(":")[0], first.split("total ")[1].split(" (")[0]
    assert run(["approve", "--key", str(tmp_path / "k.pem"), "--quote", label[:-2], "--discount", "15",
                "--total", total]) == 0
    token = capsys.readouterr().out.strip()
    assert run(["quote", build, "-o", str(tmp_path / "q.pdf"), "--discount", "15", "--revise", label,
                "--approval-code", token]) == 0
    assert "pending" not in capsys.readouterr().out
    assert "pending" not in " ".join(pdf_pages(tmp_path / "q.pdf")).lower()


def test_internal_edition_shows_cost_and_margin(tmp_path):
    assert run(["quote", str(EXAMPLES / "hgx-8x-b200.json"), "-o", str(tmp_path / "q.pdf"), "--edition",
                "internal", "--bom", str(tmp_path / "b.csv")]) == 0
    assert "Dealer cost" in " ".join(pdf_pages(tmp_path / "q.pdf"))
    assert "margin" in (tmp_path / "b.csv").read_text().splitlines()[0]


def test_customer_installation_refuses_the_internal_edition(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_EDITION", "customer")
    code = run(["quote", str(EXAMPLES / "hgx-8x-b200.json"), "-o", str(tmp_path / "q.pdf"), "--edition", "internal"])
    assert code == 2 and not (tmp_path / "q.pdf").exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("build,extra,match", [
    ("invalid-sxm-6gpu.json", [], "compatibility errors"),
    ("missing.json", [], ""),
    ("ws-2x-rtxpro6000-maxq.json", ["--discount", "abc"], "discount"),
    ("ws-2x-rtxpro6000-maxq.json", ["--currency", "EURO"], "currency"),
    ("ws-2x-rtxpro6000-maxq.json", ["--rate", "-1"], "exchange rate"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, build, extra, match):
    out = tmp_path / "q.pdf"
    code = run(["quote", str(EXAMPLES / build), "-o", str(out), "--build-sheet", str(tmp_path / "s.pdf"),
                "--bom", str(tmp_path / "b.csv"), *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and match in err
    assert list(tmp_path.iterdir()) == []
    # no number was used up
    assert run(["quote", str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json"), "-o", str(out)]) == 0
    assert capsys.readouterr().out.split(":")[0].endswith("-00001-A")


def test_corrupt_build_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": 1, "kind": "rocket"}))
    assert run(["quote", str(bad), "-o", str(tmp_path / "q.pdf")]) == 2
    assert not (tmp_path / "q.pdf").exists()
