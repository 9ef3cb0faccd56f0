"""Issue a quote and write its documents: the one path the command line and the quote dialog share.

``issue_and_export`` checks the build (error findings: QuoteError, nothing written, no number used),
stores the quote (a new number, or the next revision), prices it with core pricing, builds the
documents and writes them; the database transaction is rolled back if any step fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from configurator.core.quotes import Approval, Quote, approval, check_issuable, quote_prices

if TYPE_CHECKING:
    from configurator.core.analysis import Analysis
    from configurator.core.configuration import Build
    from configurator.core.pricing import PriceSheet
    from configurator.export.blocks import PaperDocument
    from configurator.export.branding import Branding
    from configurator.store.quotes import QuoteStore


@dataclass(frozen=True)
class Exported:
    quote: Quote  # as issued
    sheet: "PriceSheet"
    approval: Approval
    pages: int  # of the quote PDF


def quote_documents(quote: Quote, build: "Build", analysis: "Analysis", store: "QuoteStore",
                    branding: "Branding", edition: str) -> tuple["PaperDocument", "PriceSheet", Approval]:
    """The quote document for ``quote`` as it stands (draft or issued): for export and print preview."""
    from configurator.export.quote_content import quote_document

    sheet = quote_prices(quote, build)
    state = approval(quote, store.discount_policy())
    return quote_document(quote, build, analysis, sheet, state, branding, edition), sheet, state


def issue_and_export(store: "QuoteStore", draft: Quote | None, build: "Build", analysis: "Analysis",
                     branding: "Branding", edition: str, pdf: str | Path, build_sheet: str | Path | None = None,
                     bom: str | Path | None = None, revise: str = "", create: dict | None = None) -> Exported:
    """Issue ``draft`` (already stored), or the next revision of ``revise`` with ``create`` changes, or
    a new quote from ``create`` (customer, build_json, build_name, valid_days, terms...)."""
    from configurator.export.bom import write_bom
    from configurator.export.build_sheet import build_sheet_document
    from configurator.export.pdf import write_pdf

    check_issuable(analysis.findings)
    with store.db.atomic():  # a failure below rolls the number (or revision) back
        if draft is not None:
            quote = draft
        elif revise:
            quote = store.revise(revise, **(create or {}))
        else:
            quote = store.create(**(create or {}))
        quote = store.issue(quote, quote_prices(quote, build).as_dict())
        document, sheet, state = quote_documents(quote, build, analysis, store, branding, edition)
        sheet_doc = build_sheet_document(build, analysis, branding, quote.label) if build_sheet else None
        pages = write_pdf(document, pdf, analysis)
        if sheet_doc is not None:
            write_pdf(sheet_doc, build_sheet, analysis)
        if bom:
            write_bom(bom, sheet, edition, quote.label)
    return Exported(quote, sheet, state, pages)
