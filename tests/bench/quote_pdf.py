"""Benchmark: one 3-page quote PDF with two charts (memory, throughput), content to file.

Builds the quote document from the HGX H200 example (customer edition) with synthetic extra line
items so it runs to three pages, and times quote_document + write_pdf (layout, both chart images,
painting, writing) over several runs after one warm-up (which pays the font registration and the
chart imports). Last line: quote_pdf_ms=<median>. Target: under 1000 ms.
Run: QT_QPA_PLATFORM=offscreen python tests/bench/quote_pdf.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from configurator.catalog import CatalogRepository  # noqa: E402
from configurator.catalog.build import build_catalog  # noqa: E402
from configurator.core.analysis import analyze  # noqa: E402
from configurator.core.buildfile import dumps, load  # noqa: E402
from configurator.core.money import cents  # noqa: E402
from configurator.core.pricing import LineItem  # noqa: E402
from configurator.core.quotes import (  # noqa: E402
    Customer, DiscountPolicy, Quote, approval, default_service_lines, quote_prices, valid_until_for,
)
from configurator.export.branding import load_branding  # noqa: E402
from configurator.export.pdf import ensure_app, write_pdf  # noqa: E402
from configurator.export.quote_content import quote_document  # noqa: E402

RUNS = 7
EXTRA_LINES = 24


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="quote-bench-"))
    catalog = CatalogRepository(build_catalog(work / "catalog.sqlite", edition="internal"))
    build = load(ROOT / "resources" / "examples" / "hgx-8x-h200.json", catalog)
    analysis = analyze(build, catalog)
    warranty, support = default_service_lines(build)
    quote = Quote(prefix="BNCH", sequence=1, customer=Customer("Bench Customer", "Bench Ltd", address="1 Road"),
                  build_json=dumps(build), build_name=build.name, issue_date=date(2025, 1, 1),
                  valid_until=valid_until_for(date(2025, 1, 1)), warranty=warranty, support=support,
                  discount_percent=Decimal(5), tax_percent=Decimal(20), currency="EUR",
                  exchange_rate=Decimal("0.92"), status="issued")
    sheet = quote_prices(quote, build)
    extra = []
    for i in range(EXTRA_LINES):
        unit = Decimal("250.00") + i
        extra.append(LineItem(f"svc-extra-{i:02d}", f"Additional line item {i}", "services", 1, unit,
                              Decimal(0), unit, Decimal("0.00"), cents(unit)))
    sheet = replace(sheet, lines=sheet.lines + tuple(extra))
    state = approval(quote, DiscountPolicy())
    branding = load_branding()
    ensure_app()

    def once(path: Path) -> tuple[float, int]:
        t0 = time.perf_counter()
        doc = quote_document(quote, build, analysis, sheet, state, branding, "customer")
        pages = write_pdf(doc, path, analysis)
        return (time.perf_counter() - t0) * 1000, pages

    cold, pages = once(work / "warm.pdf")
    times = [once(work / f"q{i}.pdf")[0] for i in range(RUNS)]
    catalog.close()
    assert pages == 3, f"expected a 3-page quote, got {pages}"
    print(f"pages={pages} charts=2 runs={RUNS} first_ms={cold:.0f} min_ms={min(times):.0f} max_ms={max(times):.0f}")
    print(f"quote_pdf_ms={statistics.median(times):.0f}")


if __name__ == "__main__":
    main()
