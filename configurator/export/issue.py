"""Issue a quote and write its documents: the one path the command line and the quote dialog share.

A quote number is used if and only if its documents exist whole:

1. the build is checked (error findings: QuoteError, nothing written, no number used);
2. one write transaction (BEGIN IMMEDIATE, so parallel processes queue for numbers) takes the number (or
   the next revision), checks the approval code, seals the revision, and writes every document to a
   temporary file beside its target, reads it back (size, PDF page count) and fsyncs it;
3. the same transaction journals (temporary file -> final name) and commits: the number is used;
4. the files are renamed into place. A process killed between 3 and 4 leaves complete, fsynced files
   under their temporary names and a journal entry; the next quote (or the next start of the window)
   finishes the renames (``QuoteStore.recover_documents``).

Any failure before the commit (a full disk, a bad approval code, a kill) rolls the number back and
removes the temporary files: no document carries a number the next quote could reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from configurator.core.quotes import Approval, Quote, approval, check_issuable, quote_prices
from configurator.core.quotes.approvals import ApprovalError
from configurator.export.formatting import ExportError

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


def base_currency(build: "Build") -> str | None:
    """The catalog currency the build is priced in (what an exchange rate converts from)."""
    from configurator.core.errors import ConfiguratorError
    from configurator.core.pricing import price_build

    try:
        return price_build(build).currency
    except ConfiguratorError:
        return None


def quote_approval(quote: Quote, sheet: "PriceSheet", build: "Build", store: "QuoteStore") -> Approval:
    """Within the installation's limits, approved by a valid token, or pending (with why)."""
    return approval(quote, store.discount_policy(), sheet.total, base_currency(build), store.trusted_keys())


def quote_documents(quote: Quote, build: "Build", analysis: "Analysis", store: "QuoteStore",
                    branding: "Branding", edition: str) -> tuple["PaperDocument", "PriceSheet", Approval]:
    """The quote document for ``quote`` as it stands (draft or issued): for export and print preview."""
    from configurator.export.quote_content import quote_document

    sheet = quote_prices(quote, build)
    state = quote_approval(quote, sheet, build, store)
    return quote_document(quote, build, analysis, sheet, state, branding, edition), sheet, state


def _targets(pdf, build_sheet, bom) -> list[Path]:
    paths = [Path(p) for p in (pdf, build_sheet, bom) if p]
    resolved = [p.resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise ExportError("the quote, the build sheet and the BOM need three different file names")
    for p in paths:
        if p.is_dir():
            raise ExportError(f"{p} is a directory, not a file name")
        if not p.resolve().parent.is_dir():
            raise ExportError(f"the folder of {p} does not exist")
    return paths


def issue_and_export(store: "QuoteStore", draft: Quote | None, build: "Build", analysis: "Analysis",
                     branding: "Branding", edition: str, pdf: str | Path, build_sheet: str | Path | None = None,
                     bom: str | Path | None = None, revise: str = "", create: dict | None = None) -> Exported:
    """Issue ``draft`` (already stored), or the next revision of ``revise`` with ``create`` changes, or
    a new quote from ``create`` (customer, build_json, build_name, valid_days, terms...)."""
    from configurator.export.bom import bom_csv
    from configurator.export.build_sheet import build_sheet_document
    from configurator.export.files import remove_quietly, temp_for, write_text_checked
    from configurator.export.pdf import render_pdf_file
    from configurator.export.quote_content import quote_document

    check_issuable(analysis.findings)
    _targets(pdf, build_sheet, bom)
    store.recover_documents()  # an earlier run that died between its commit and its renames
    policy = store.discount_policy()
    trusted = store.trusted_keys()
    base = base_currency(build)
    create = {**(create or {}), "role": policy.role}  # the role is the installation's, never a choice
    temps: list[Path] = []
    try:
        with store.db.atomic():  # the write lock: a failure or a kill below rolls the number back
            if draft is not None:
                quote = draft
            elif revise:
                quote = store.revise(revise, **create)
            else:
                quote = store.create(**create)
            sheet = quote_prices(quote, build)
            state = approval(quote, policy, sheet.total, base, trusted)
            if state.refused:
                raise ApprovalError(f"approval code refused: {state.refused}; nothing was issued (without a code "
                                    f"the quote is issued as {'pending approval'})")
            quote = store.issue(quote, sheet.as_dict())
            files: list[tuple[Path, Path]] = []

            pdf_path = Path(pdf)
            temps.append(temp_for(pdf_path))
            pages = render_pdf_file(quote_document(quote, build, analysis, sheet, state, branding, edition),
                                    temps[-1], analysis, shown=pdf_path)
            files.append((temps[-1], pdf_path))
            if build_sheet:
                sheet_path = Path(build_sheet)
                temps.append(temp_for(sheet_path))
                render_pdf_file(build_sheet_document(build, analysis, branding, quote.label), temps[-1], analysis,
                                shown=sheet_path)
                files.append((temps[-1], sheet_path))
            if bom:
                bom_path = Path(bom)
                temps.append(temp_for(bom_path))
                write_text_checked(temps[-1], bom_csv(sheet, edition, quote.label), shown=bom_path)
                files.append((temps[-1], bom_path))
            ids = store.journal_documents(quote, files)
    except BaseException:
        remove_quietly(*temps)
        raise
    problems = store.finish_documents(ids)  # committed: the documents take their names
    if problems:
        raise ExportError(f"quote {quote.label} was issued, but " + "; ".join(problems))
    return Exported(quote, sheet, state, pages)


# -- a quote with options ---------------------------------------------------------------------------------


def option_contents(quote: Quote, builds: list, catalog, analyses: list | None = None) -> list:
    """(name, build) pairs priced with the quote's terms and analysed (``analyses`` when the caller has them):
    what the options document prints."""
    from configurator.core.analysis import analyze
    from configurator.export.quote_content import OptionContent

    analyses = analyses or [analyze(build, catalog) for _, build in builds]
    return [OptionContent(name, build, a, quote_prices(quote, build)) for (name, build), a in zip(builds, analyses)]


def options_approval(quote: Quote, contents: list, store: "QuoteStore") -> Approval:
    """As ``quote_approval``, the approval signing the options' combined total (quote_content.options_total)."""
    from configurator.export.quote_content import options_total

    return approval(quote, store.discount_policy(), options_total(contents), base_currency(contents[0].build),
                    store.trusted_keys())


def issue_and_export_options(store: "QuoteStore", builds: list, catalog, branding: "Branding", edition: str,
                             pdf: str | Path, create: dict | None = None) -> Exported:
    """Issue a new quote offering ``builds`` [(name, Build), 2-3 of them] as alternatives and write its one PDF,
    with the guarantees of ``issue_and_export``: every option is checked first (error findings: QuoteError,
    no number used), the number, the approval check, the seal and the document are one transaction, and the
    file takes its name only once the number is committed. ``create``: customer, terms, valid_days.
    ``Exported.sheet`` is the first option's; the customer's choice is a later revision (QuoteStore.choose)."""
    from configurator.core.buildfile import dumps
    from configurator.core.quotes import MAX_OPTIONS, MIN_OPTIONS, QuoteError, QuoteOption
    from configurator.export.files import remove_quietly, temp_for
    from configurator.export.pdf import render_pdf_file
    from configurator.export.quote_content import options_document, options_total

    if not MIN_OPTIONS <= len(builds) <= MAX_OPTIONS:
        raise QuoteError(f"a quote with options offers {MIN_OPTIONS} or {MAX_OPTIONS} builds, not {len(builds)}")
    from configurator.core.analysis import analyze

    analyses = [analyze(build, catalog) for _, build in builds]
    for (name, _), a in zip(builds, analyses):  # before any number is taken
        try:
            check_issuable(a.findings)
        except QuoteError as exc:
            raise QuoteError(f"option '{name}': {exc}") from None
    _targets(pdf, None, None)
    store.recover_documents()
    policy = store.discount_policy()
    trusted = store.trusted_keys()
    base = base_currency(builds[0][1])
    options = tuple(QuoteOption(name, dumps(build)) for name, build in builds)
    create = {**(create or {}), "role": policy.role, "options": options, "chosen_option": None,
              "build_json": options[0].build_json, "build_name": options[0].name}
    temps: list[Path] = []
    try:
        with store.db.atomic():
            quote = store.create(**create)
            contents = option_contents(quote, builds, catalog, analyses)
            state = approval(quote, policy, options_total(contents), base, trusted)
            if state.refused:
                raise ApprovalError(f"approval code refused: {state.refused}; nothing was issued (without a code "
                                    f"the quote is issued as {'pending approval'})")
            quote = store.issue(quote, {"options": [c.sheet.as_dict() for c in contents]})
            pdf_path = Path(pdf)
            temps.append(temp_for(pdf_path))
            pages = render_pdf_file(options_document(quote, contents, state, branding, edition), temps[-1], None,
                                    shown=pdf_path)
            ids = store.journal_documents(quote, [(temps[-1], pdf_path)])
    except BaseException:
        remove_quietly(*temps)
        raise
    problems = store.finish_documents(ids)
    if problems:
        raise ExportError(f"quote {quote.label} was issued, but " + "; ".join(problems))
    return Exported(quote, contents[0].sheet, state, pages)


def issue_choice(store: "QuoteStore", number: str, option: int, catalog, branding: "Branding", edition: str,
                 pdf: str | Path, build_sheet: str | Path | None = None, bom: str | Path | None = None) -> Exported:
    """The customer chose option ``option`` (0-based) of quote ``number``: issue the next revision quoting
    that option alone (QuoteStore.choice) and write its documents, in the one transaction of
    ``issue_and_export`` (a failure leaves no revision and no file)."""
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import loads

    changes = store.choice(number, option)
    build = loads(changes["build_json"], catalog, f"option {option + 1} of {number}")
    return issue_and_export(store, None, build, analyze(build, catalog), branding, edition, pdf, build_sheet, bom,
                            revise=number, create=changes)
