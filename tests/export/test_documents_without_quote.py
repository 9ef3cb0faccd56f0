"""`configurator build-sheet` and `configurator bom`: a build's documents without a customer or a quote number."""

from __future__ import annotations

import csv
import json

import pytest

from configurator.cli import run
from configurator.core.buildfile import load
from configurator.core.pricing import price_build
from configurator.store.quotes import QuoteStore
from configurator.store.userdb import UserDatabase, user_database_path
from tests.export.conftest import EXAMPLES, pdf_pages, squeeze


@pytest.fixture(autouse=True)
def _catalog(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def _quote_state() -> tuple[list[dict], int]:
    """Every row of the quotes table and the next sequence number the installation would draw."""
    db = UserDatabase(user_database_path())
    try:
        rows = [dict(r) for r in db.db["quotes"].rows] if db.db["quotes"].exists() else []
        return rows, QuoteStore(db.db).peek_sequence()
    finally:
        db.close()


def test_build_sheet_and_bom_use_no_quote_number(tmp_path, capsys, catalog):
    source = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"
    assert run(["quote", str(source), "-o", str(tmp_path / "q1.pdf")]) == 0  # a real quote, numbered -00001-A
    capsys.readouterr()
    before = _quote_state()
    assert before[1] == 2 and len(before[0]) == 1

    sheet, bom = tmp_path / "sheet.pdf", tmp_path / "bom.csv"
    assert run(["build-sheet", str(source), "-o", str(sheet)]) == 0
    assert run(["bom", str(source), "-o", str(bom)]) == 0
    out = capsys.readouterr().out
    assert str(sheet) in out and str(bom) in out and "Q-" not in out
    assert _quote_state() == before  # no row, no number, no change to the issued quote

    build = load(source, catalog)
    text = " ".join(pdf_pages(sheet))
    assert "Build sheet" in text and "Burn-in by" in text and "DO NOT BUILD" not in text
    assert "Q-" not in text and "Prospective customer" not in text and "$" not in text
    flat = squeeze(text)
    data = json.loads(source.read_text())
    part_ids = [data["chassis"], data["platform"]] + [item["id"] for key in ("gpus", "psus", "memory", "storage",
                                                                             "network") for item in data[key]]
    names = [squeeze(catalog.find(p)[1].name) for p in part_ids]  # the sheet names parts, not catalog ids
    assert all(name in flat for name in names), [n for n in names if n not in flat]

    rows = list(csv.DictReader(bom.open(encoding="utf-8", newline="")))
    lines = [r for r in rows if r["line"]]
    expected = price_build(build)
    assert [(r["part_id"], int(r["quantity"]), r["amount"]) for r in lines] == \
        [(l.id, l.quantity, str(l.total)) for l in expected.lines]
    assert rows[-1]["part_id"] == "total" and rows[-1]["amount"] == str(expected.total)
    assert "Q-" not in bom.read_text() and "cost" not in rows[0] and "margin" not in rows[0]

    assert run(["quote", str(source), "-o", str(tmp_path / "q2.pdf")]) == 0  # the next quote is -00002-A
    assert capsys.readouterr().out.split(":")[0].endswith("-00002-A")


def test_a_build_with_errors_still_gets_a_sheet_marked_do_not_build(tmp_path, capsys):
    sheet = tmp_path / "sheet.pdf"
    assert run(["build-sheet", str(EXAMPLES / "invalid-sxm-6gpu.json"), "-o", str(sheet)]) == 0
    assert "DO NOT BUILD" in pdf_pages(sheet)[0]
    assert "compatibility error" in capsys.readouterr().err
    assert not user_database_path().exists()  # nothing opened the user database


def test_internal_bom_adds_cost_and_margin(tmp_path):
    bom = tmp_path / "bom.csv"
    assert run(["bom", str(EXAMPLES / "hgx-8x-b200.json"), "-o", str(bom), "--edition", "internal"]) == 0
    header = bom.read_text().splitlines()[0]
    assert "unit_cost" in header and "margin" in header


@pytest.mark.parametrize("command", ["build-sheet", "bom"])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, command):
    out = tmp_path / "out.file"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    cases = [
        [command, str(tmp_path / "missing.json"), "-o", str(out)],
        [command, str(broken), "-o", str(out)],
        [command, str(EXAMPLES / "hgx-8x-b200.json"), "-o", str(tmp_path / "no-such-folder" / "x")],
        [command, str(EXAMPLES / "hgx-8x-b200.json"), "-o", str(tmp_path)],
    ]
    for argv in cases:
        assert run(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"configurator {command}: error: ") and "\n" not in err, err
        assert "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == [broken]


def test_output_onto_the_build_file_is_refused(tmp_path, capsys):
    build = tmp_path / "b.json"
    build.write_text((EXAMPLES / "hgx-8x-b200.json").read_text())
    original = build.read_bytes()
    assert run(["bom", str(build), "-o", str(build)]) == 2
    assert "build file itself" in capsys.readouterr().err and build.read_bytes() == original


def test_customer_installation_refuses_the_internal_bom(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_EDITION", "customer")
    assert run(["bom", str(EXAMPLES / "hgx-8x-b200.json"), "-o", str(tmp_path / "b.csv"), "--edition",
                "internal"]) == 2
    assert "customer edition" in capsys.readouterr().err and not (tmp_path / "b.csv").exists()
