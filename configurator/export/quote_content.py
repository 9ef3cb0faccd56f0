"""The quote document as blocks (Qt-free): letterhead, customer, line items, totals, workload
summary with charts, compatibility status and terms.

``quote_document`` refuses a build with error findings (QuoteError). The customer edition holds list
prices only; the internal edition adds dealer cost and margin per line and the approval details.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from configurator.core.quotes import Approval, Quote, check_issuable
from configurator.core.workload import CUSTOM_MODEL_ID
from configurator.core.quotes.policy import APPROVED, PENDING_TEXT
from configurator.export.blocks import (
    RIGHT, Charts, Column, PaperDocument, Heading, KeyValues, Paragraph, SignOff, Spacer, Table, Totals,
)
from configurator.export.formatting import customer_view, ensure_customer_safe
from configurator.present import amount, analysis_rows, compatibility_line, count, money, percent, tokens
from configurator.present.sentences import workload_state, workloads_fit
from configurator.present.part_numbers import part_number_cell

if TYPE_CHECKING:
    from configurator.core.analysis import Analysis
    from configurator.core.configuration import Build
    from configurator.core.pricing import PriceSheet
    from configurator.export.branding import Branding

KIND_NAMES = {"workstation": "Workstation", "sxm_server": "SXM server", "cluster": "Cluster"}
# As wide as the longest manufacturer part number of the catalog at the table font (tests/catalog/
# test_part_numbers.py measures it): a part number is never broken. The build sheet uses the same column.
PART_NUMBER_COLUMN = Column("Vendor, part no.", 0.28)
LINE_COLUMNS = (
    Column("#", 0.04, RIGHT), PART_NUMBER_COLUMN, Column("Description", 0.30),
    Column("Qty", 0.06, RIGHT), Column("Unit price", 0.12, RIGHT), Column("Disc.", 0.06, RIGHT),
    Column("Amount", 0.14, RIGHT),
)


def _name(catalog, getter: str, ident: str) -> str:
    try:
        return getattr(catalog, getter)(ident).name
    except Exception:  # a name is decoration: an unknown id prints as itself
        return ident


def _model_name(catalog, workload, model_id: str) -> str:
    if model_id == CUSTOM_MODEL_ID:
        c = workload.custom
        return f"{c.name} (custom, {c.params_b:g}B parameters)"
    return _name(catalog, "model", model_id)


def line_items_table(sheet: "PriceSheet") -> Table:
    cur = sheet.currency
    cols = tuple(Column(f"{c.title} ({cur})", c.width, c.align) if c.title in ("Unit price", "Amount") else c
                 for c in LINE_COLUMNS)
    rows = tuple(
        (str(i), part_number_cell(line.vendor, line.mfr_part_number), line.name, f"{line.quantity:,}",
         amount(line.unit_price),
         percent(line.discount_percent) if line.discount_percent else "", amount(line.total))
        for i, line in enumerate(sheet.lines, 1)
    )
    return Table(cols, rows, caption="Line items")


def totals_block(sheet: "PriceSheet", approval: Approval) -> Totals:
    cur = sheet.currency
    label = "Discount"
    if approval.pending:
        label = f"Discount ({PENDING_TEXT})"
    rows = [("Subtotal", money(sheet.subtotal, cur), False)]
    if sheet.discount:
        rows += [(label, money(-sheet.discount, cur), False), ("Net", money(sheet.net, cur), False)]
    rows.append((f"Tax ({percent(sheet.tax_percent)})", money(sheet.tax, cur), False))
    rows.append((f"Total {cur}", money(sheet.total, cur), True))
    return Totals(tuple(rows))


def workload_settings(catalog, w) -> KeyValues:
    """What one workload asks for: kind, model, precision and its operating point."""
    if w.kind == "inference":
        inf = w.inference
        return KeyValues((
            ("Workload", "Inference"), ("Model", _model_name(catalog, w, inf.model_id)),
            ("Precision", f"{_name(catalog, 'precision', inf.precision)} (KV cache {inf.kv_precision})"),
            ("Concurrent users", f"{inf.users:,}"), ("Context per user", f"{inf.context_tokens:,} tokens"),
            ("Serving engine", inf.engine),
        ))
    tr = w.training
    return KeyValues((
        ("Workload", f"Training ({tr.mode})"), ("Model", _model_name(catalog, w, tr.model_id)),
        ("Precision", tr.precision), ("Tokens to train", tokens(tr.tokens)),
        ("Sequence length", f"{tr.seq_len:,}"), ("Global batch", f"{tr.global_batch:,} sequences"),
    ))


def _sized(build: "Build", analysis: "Analysis") -> list:
    """The workloads of the analysis (every one of the build), or the build's one workload where the analysis
    holds none (an analysis made without them)."""
    if getattr(analysis, "workloads", ()):
        return list(analysis.workloads)
    from configurator.core.analysis import WorkloadAnalysis

    return [WorkloadAnalysis("", "Workload", build.workload, analysis.inference, analysis.training,
                             analysis.sizing_problem)]


def workload_sections(build: "Build", analysis: "Analysis", charts: bool = True) -> list:
    """A section per workload: its settings and figures (the selected one's charts when ``charts``); one
    workload prints as before, without a sub-heading."""
    sized = _sized(build, analysis)
    several = len(sized) > 1
    selected = getattr(analysis, "selected", 0) if several else 0
    out: list = []
    for i, w in enumerate(sized):
        if several:
            out.append(Heading(f"Workload {i + 1}: {w.title}", 2))
        out.append(workload_settings(build.catalog, w.workload))
        if w.inference is None and w.training is None:
            out.append(Paragraph(f"No sizing figures: {w.sizing_problem or 'the workload cannot be sized.'}",
                                 "muted"))
            continue
        out.append(KeyValues(tuple(analysis_rows(w))))
        if charts and i == selected:  # the charts are drawn from the analysis: its selected workload's
            out.append(Charts(("memory", "throughput") if w.inference is not None else ("memory", "training")))
    return out


def workload_blocks(build: "Build", analysis: "Analysis") -> list:
    sized = _sized(build, analysis)
    if len(sized) == 1:
        out: list = [Heading("Workload and expected performance")]
    else:
        out = [Heading("Workloads and expected performance"),
               Paragraph(f"This system is sized for {count(len(sized), 'workload')}: {workloads_fit(analysis)}.",
                         "strong")]
    out += workload_sections(build, analysis)
    if any(w.inference is not None or w.training is not None for w in sized):
        out.append(Paragraph(f"Figures are estimates from the sizing model for the "
                             f"{'workloads' if len(sized) > 1 else 'workload'} above; real throughput "
                             "depends on software versions and request patterns.", "muted"))
    return out


def compatibility_blocks(analysis: "Analysis") -> list:
    warnings = [f for f in analysis.findings if f.severity == "warning"]
    out: list = [Heading("Compatibility"), Paragraph(compatibility_line(analysis.findings), "strong")]
    out += [Paragraph(f"Warning ({f.code}): {f.message}", "small") for f in warnings]
    return out


def system_summary(build: "Build") -> str:
    gpus = ", ".join(f"{n * build.nodes} x {_name(build.catalog, 'gpu', gid)}" for gid, n in build.gpu_counts().items())
    nodes = f", {build.nodes} nodes" if build.nodes > 1 else ""
    return f"{KIND_NAMES.get(build.kind, build.kind)}{nodes}: {gpus or 'no GPU'}"


def internal_blocks(sheet: "PriceSheet", approval: Approval, quote: Quote) -> list:
    out: list = [Heading("Internal: dealer cost and margin (not for the customer)")]
    if sheet.cost is None:
        return out + [Paragraph("The catalog has no dealer cost for every line.", "muted")]
    rows = tuple((l.name, amount(l.cost or Decimal(0)), amount(l.margin or Decimal(0))) for l in sheet.lines)
    out.append(Table((Column("Part", 0.5), Column(f"Cost ({sheet.currency})", 0.25, RIGHT),
                      Column(f"Margin ({sheet.currency})", 0.25, RIGHT)), rows, caption="Cost and margin"))
    share = (sheet.margin / sheet.net * 100).quantize(Decimal("0.1")) if sheet.net else Decimal(0)
    out.append(Totals((("Dealer cost", money(sheet.cost, sheet.currency), False),
                       (f"Margin ({share}% of net)", money(sheet.margin, sheet.currency), True))))
    state = {"approved": f"approved, code {quote.approval_code}", "pending": PENDING_TEXT}.get(
        approval.state, "within the role's limit")
    out.append(Paragraph(f"Discount {percent(approval.discount)} by {quote.role.replace('_', ' ')} "
                         f"(limit {percent(approval.limit)}): {state}.", "small"))
    return out


def quote_document(quote: Quote, build: "Build", analysis: "Analysis", sheet: "PriceSheet", approval: Approval,
                   branding: "Branding", edition: str = "customer") -> PaperDocument:
    check_issuable(analysis.findings)
    if edition != "internal":  # the data guard: no cost figure reaches a customer document
        sheet = customer_view(sheet)
        ensure_customer_safe(sheet, "quote")
    doc = PaperDocument("Quotation", quote.label, branding.letterhead(), footer=branding.footer, edition=edition)
    if approval.pending:
        doc.banner = f"Discount {PENDING_TEXT.upper()}: no binding offer until approved"
    elif not quote.read_only:
        doc.banner = "DRAFT: not yet issued"
    if edition == "internal":
        doc.banner = (doc.banner + " · " if doc.banner else "") + "INTERNAL EDITION: not for the customer"
    base = analysis.price.currency if analysis.price is not None else "catalog currency"
    rate_text = "" if quote.exchange_rate == 1 else f" (1 {base} = {quote.exchange_rate} {quote.currency})"
    doc.add(
        KeyValues((("Quote number", quote.number), ("Revision", quote.revision),
                   ("Issue date", quote.issue_date.isoformat()), ("Valid until", quote.valid_until.isoformat()),
                   ("Payment terms", quote.payment_terms_text), ("Currency", f"{quote.currency}{rate_text}"))),
        Heading("Prepared for", 2), Paragraph("\n".join(quote.customer.printed_lines())),
        Heading("System"), Paragraph(f"{quote.build_name or build.name or 'Configured system'}: "
                                     f"{system_summary(build)}", "strong"),
    )
    if quote.chosen is not None:  # a revision recording the customer's choice of a quote with options
        doc.add(Paragraph(f"Option {quote.chosen_option + 1} of {len(quote.options)}, as chosen by the customer: "
                          f"{quote.chosen.name}.", "small"))
    doc.add(
        line_items_table(sheet), totals_block(sheet, approval),
    )
    if approval.pending:
        what = (f"The discount of {percent(approval.discount)}" if approval.discount
                else "The exchange rate")  # a rate away from the stored one needs approval like a discount
        doc.add(Paragraph(f"{what} is {PENDING_TEXT}. Prices are confirmed once it is approved.", "alert"))
    elif approval.state == APPROVED and edition == "internal":
        doc.add(Paragraph(f"Discount approved (code {quote.approval_code}).", "small"))
    doc.add(Spacer(), *workload_blocks(build, analysis), *compatibility_blocks(analysis))
    doc.add(Heading("Terms"),
            KeyValues((("Payment", quote.payment_terms_text),
                       ("Validity", f"until {quote.valid_until.isoformat()}"),
                       ("Tax", f"{percent(quote.tax_percent)}: {money(sheet.tax, sheet.currency)}")), columns=1))
    if quote.warranty:
        doc.add(Heading("Warranty", 2), *[Paragraph(l, "small") for l in quote.warranty])
    if quote.support:
        doc.add(Heading("Support", 2), *[Paragraph(l, "small") for l in quote.support])
    doc.add(Heading("Terms and conditions", 2), *[Paragraph(t, "small") for t in branding.terms])
    if edition == "internal":
        doc.add(Spacer(), *internal_blocks(sheet, approval, quote))
    return doc


# -- a quote with options ---------------------------------------------------------------------------------


BOX = "\u2610"  # a ballot box the customer ticks (DejaVu Sans has it)


@dataclass(frozen=True)
class OptionContent:
    """One option of a quote with options, as the document prints it."""

    name: str
    build: "Build"
    analysis: "Analysis"
    sheet: "PriceSheet"


def options_total(options: list[OptionContent]) -> Decimal:
    """The options' totals added up: what an approval of a quote with options signs (with its discount), so
    no option's price can change under one approval. Never printed on the customer's copy."""
    return sum((o.sheet.total for o in options), Decimal(0))


def option_title(index: int, name: str) -> str:
    """'Option 2: HGX H200 8-GPU server' (numbered from 1; letters are the revisions')."""
    return f"Option {index + 1}: {name}"


def options_document(quote: Quote, options: list[OptionContent], approval: Approval, branding: "Branding",
                     edition: str = "customer") -> PaperDocument:
    """One quote offering 2-3 alternative builds: a summary of the options, then one section per option with
    its own line items, totals and figures, then the customer's choice, the terms and (internal edition) the
    cost and margin of each option. Refuses any option with error findings (QuoteError)."""
    for o in options:
        check_issuable(o.analysis.findings)
    if edition != "internal":  # the data guard: no cost figure reaches a customer document
        options = [replace(o, sheet=customer_view(o.sheet)) for o in options]
        for o in options:
            ensure_customer_safe(o.sheet, "quote")
    cur = options[0].sheet.currency
    doc = PaperDocument("Quotation", quote.label, branding.letterhead(), footer=branding.footer, edition=edition)
    if approval.pending:
        doc.banner = f"Discount {PENDING_TEXT.upper()}: no binding offer until approved"
    elif not quote.read_only:
        doc.banner = "DRAFT: not yet issued"
    if edition == "internal":
        doc.banner = (doc.banner + " · " if doc.banner else "") + "INTERNAL EDITION: not for the customer"
    first = options[0]
    base = first.analysis.price.currency if first.analysis.price is not None else "catalog currency"
    rate_text = "" if quote.exchange_rate == 1 else f" (1 {base} = {quote.exchange_rate} {quote.currency})"
    doc.add(
        KeyValues((("Quote number", quote.number), ("Revision", quote.revision),
                   ("Issue date", quote.issue_date.isoformat()), ("Valid until", quote.valid_until.isoformat()),
                   ("Payment terms", quote.payment_terms_text), ("Currency", f"{quote.currency}{rate_text}"))),
        Heading("Prepared for", 2), Paragraph("\n".join(quote.customer.printed_lines())),
        Heading("Your options"),
        Paragraph(f"This quotation offers {len(options)} alternative systems. Each option is a complete offer "
                  "with its own line items and totals; you accept one of them, and the others lapse.", "body"),
        Table((Column("Option", 0.55), Column("System", 0.27), Column(f"Total ({cur})", 0.18, RIGHT)),
              tuple((option_title(i, o.name), system_summary(o.build).split(": ", 1)[-1], amount(o.sheet.total))
                    for i, o in enumerate(options)), caption="Your options"),
    )
    if approval.pending:
        what = (f"The discount of {percent(approval.discount)}" if approval.discount
                else "The exchange rate")  # a rate away from the stored one needs approval like a discount
        doc.add(Paragraph(f"{what} is {PENDING_TEXT}. Prices are confirmed once it is approved.", "alert"))
    for i, o in enumerate(options):
        totals = totals_block(o.sheet, approval)
        rows = list(totals.rows)
        rows[-1] = (f"Option {i + 1} total {cur}", rows[-1][1], True)
        doc.add(Spacer(), Heading(option_title(i, o.name)),
                Paragraph(f"{o.build.name or o.name}: {system_summary(o.build)}", "strong"),
                replace(line_items_table(o.sheet), caption=f"Option {i + 1} line items"), Totals(tuple(rows)))
        figures = [w for w in _sized(o.build, o.analysis) if w.inference is not None or w.training is not None]
        if figures:
            doc.add(Heading(f"Option {i + 1}: expected performance", 2))
        for w in figures:  # every workload's figures on this option (a title each when there are several)
            if len(figures) > 1:
                doc.add(Paragraph(f"{w.title}: {workload_state(w)}", "strong"))
            doc.add(KeyValues(tuple(analysis_rows(w))))
        doc.add(Paragraph(compatibility_line(o.analysis.findings), "small"))
    sized = _sized(first.build, first.analysis)
    settings = []
    for i, w in enumerate(sized):  # each workload's settings (the options' figures are above)
        if len(sized) > 1:
            settings.append(Heading(f"Workload {i + 1}: {w.title}", 2))
        settings.append(workload_settings(first.build.catalog, w.workload))
    doc.add(Spacer(), Heading("Workloads the options are sized for" if len(sized) > 1 else
                              "Workload the options are sized for"), *settings,
            Paragraph("Figures are estimates from the sizing model for this workload; real throughput depends on "
                      "software versions and request patterns.", "muted"))
    doc.add(Heading("Your choice"),
            Paragraph("Tick the option you accept, sign and return this page; we then confirm the chosen option "
                      "in a revision of this quote.", "body"),
            *[Paragraph(f"{BOX}  {option_title(i, o.name)} — {money(o.sheet.total, cur)}", "body")
              for i, o in enumerate(options)],
            SignOff(("Customer",)))
    doc.add(Heading("Terms"),
            KeyValues((("Payment", quote.payment_terms_text),
                       ("Validity", f"until {quote.valid_until.isoformat()}"),
                       ("Tax", f"{percent(quote.tax_percent)} on each option's net total")), columns=1))
    if quote.warranty:
        doc.add(Heading("Warranty", 2), *[Paragraph(l, "small") for l in quote.warranty])
    if quote.support:
        doc.add(Heading("Support", 2), *[Paragraph(l, "small") for l in quote.support])
    doc.add(Heading("Terms and conditions", 2), *[Paragraph(t, "small") for t in branding.terms])
    if edition == "internal":
        for i, o in enumerate(options):
            blocks = internal_blocks(o.sheet, approval, quote)
            blocks[0] = Heading(f"Internal, option {i + 1}: dealer cost and margin (not for the customer)")
            doc.add(Spacer(), *blocks)
        doc.add(Paragraph(f"An approval of this quote signs its discount and the options' combined total "
                          f"{money(options_total(options), cur)}.", "small"))
    return doc


__all__ = ["quote_document", "line_items_table", "totals_block", "options_document", "OptionContent",
           "options_total", "option_title"]
