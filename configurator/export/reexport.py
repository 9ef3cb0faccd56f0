"""Export an issued quote revision again (a lost or deleted PDF): the same number, revision, customer and
terms, from the build frozen with the revision. No number is used and the user database is not written.

The document must say what the revision said when it was issued. The prices are recomputed from the frozen
build with the revision's terms and compared with the totals stored at issue (QuoteStore.issued_totals): when
catalog prices changed since, the quote is not re-exported (a new revision quotes today's prices). An approval
token is checked as of the revision's issue date, as it was then. A revision that no longer matches its seal is
refused (QuoteTamperedError), a draft too (it was never issued: make it a revision and issue it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from configurator.core.quotes import QuoteError, approval, quote_prices


@dataclass(frozen=True)
class Reexported:
    quote: object  # the core Quote, as issued
    path: Path
    pages: int


def reexport(store, label: str, catalog, branding, edition: str, pdf: str | Path) -> Reexported:
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import loads
    from configurator.export.issue import base_currency, option_contents
    from configurator.export.pdf import write_pdf
    from configurator.export.quote_content import options_document, quote_document
    from configurator.present import money

    quote = store.get(label, genuine=True)
    if not quote.read_only:
        raise QuoteError(f"{quote.label} is a draft and was never issued: there is no issued document to export "
                         f"again")
    stored, currency = store.issued_totals(quote)
    policy, trusted, issued_on = store.discount_policy(), store.trusted_keys(), quote.issue_date

    def same_prices(now: list) -> None:
        if len(now) != len(stored) or any(a != b for a, b in zip(now, stored)):
            then = ", ".join(money(t, currency) for t in stored) or "not kept"
            today = ", ".join(money(t, quote.currency) for t in now)
            raise QuoteError(f"prices changed since {quote.label} was issued ({then} then, {today} now): its "
                             f"document cannot be made again as issued; make a new revision to quote today's "
                             f"prices")

    if quote.options and quote.chosen_option is None:
        builds = [(o.name, loads(o.build_json, catalog, f"option {o.name} of {quote.label}")) for o in quote.options]
        contents = option_contents(quote, builds, catalog)
        same_prices([c.sheet.total for c in contents])
        from configurator.export.quote_content import options_total

        state = approval(quote, policy, options_total(contents), base_currency(contents[0].build), trusted,
                         today=issued_on)
        document, analysis = options_document(quote, contents, state, branding, edition), None
    else:
        build = loads(quote.build_json, catalog, quote.label)
        analysis = analyze(build, catalog)
        sheet = quote_prices(quote, build)
        same_prices([sheet.total])
        state = approval(quote, policy, sheet.total, base_currency(build), trusted, today=issued_on)
        document = quote_document(quote, build, analysis, sheet, state, branding, edition)
    pdf = Path(pdf)
    pages = write_pdf(document, pdf, analysis)
    return Reexported(quote, pdf, pages)


__all__ = ["Reexported", "reexport"]
