"""Helpers for the export tests: an example build with its analysis, a quote, PDF text per page."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


def pdf_pages(path) -> list[str]:
    """Text of each page, NFKC-normalised (ligatures), whitespace collapsed to single spaces."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(path)).pages:
        text = unicodedata.normalize("NFKC", page.extract_text() or "")
        out.append(re.sub(r"\s+", " ", text))
    return out


def squeeze(text: str) -> str:
    """Without any whitespace: a wrapped cell ('nvme-' / 'micron-...') reads as one word."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def example(catalog):
    """(build, analysis) of an example build file by name."""
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import load

    def load_example(name: str):
        build = load(EXAMPLES / f"{name}.json", catalog)
        return build, analyze(build, catalog)

    return load_example


@pytest.fixture
def make_quote():
    from configurator.core.buildfile import dumps
    from configurator.core.quotes import Customer, Quote, default_service_lines, valid_until_for

    def make(build, **changes) -> Quote:
        warranty, support = default_service_lines(build)
        values = dict(prefix="T3ST", sequence=42, build_json=dumps(build), build_name=build.name,
                      customer=Customer("Jane Roe", "Acme Research Ltd", "jane@acme.example", "+44 20 0000 0000",
                                        "1 Lab Road\nCambridge CB1 0AA", notes="likes discounts"),
                      issue_date=date(2025, 6, 2), valid_until=valid_until_for(date(2025, 6, 2)),
                      warranty=warranty, support=support, tax_percent=Decimal(20), status="issued")
        values.update(changes)
        return Quote(**values)

    return make


@pytest.fixture
def branding():
    from configurator.export.branding import load_branding

    return load_branding()
