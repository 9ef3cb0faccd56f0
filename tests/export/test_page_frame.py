"""The page frame (reference on the first page, running header and footer on every page) keeps a long build name
on one line, shortened with an ellipsis: wrapped, it ran out of its band onto the rule and off the page."""

from __future__ import annotations

import json

import pytest

from configurator.cli import run
from tests.export.conftest import EXAMPLES, pdf_pages

TAIL = "Zanzibarquartz"  # the name's last word: only the body's full title may print it
NAME = "2x RTX PRO 6000 Max-Q workstation for the research lab's 70B Q4 inference and QLoRA fine-tuning " + TAIL


@pytest.fixture(autouse=True)
def _catalog(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def test_a_long_build_name_stays_on_one_line_in_the_page_frame(tmp_path, capsys):
    data = json.loads((EXAMPLES / "ws-2x-rtxpro6000-maxq.json").read_text())
    data["name"] = NAME
    build = tmp_path / "long.json"
    build.write_text(json.dumps(data))
    sheet = tmp_path / "sheet.pdf"
    assert run(["build-sheet", str(build), "-o", str(sheet)]) == 0
    pages = pdf_pages(sheet)
    assert len(pages) >= 2
    assert TAIL in pages[0]  # the body's title carries the whole name
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text, number  # the page count is never cut off
        if number > 1:
            assert "Build sheet 2x RTX PRO" in text and "..." in text, number  # the header, shortened (NFKC reads the ellipsis as "...")
            assert TAIL not in text, number  # no wrapped second line of the name in header or footer
