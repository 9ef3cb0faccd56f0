"""The quote dialog's options part: quote 2-3 builds as alternatives of one quote (good/better/best), and
record the option the customer chose as the next revision.

The builds come from the compare dialog (the ticked builds, as compared) or, when the quote dialog opens from
the window, from the compare tray's ticked builds run on the current build's workload. Everything goes
through export/issue.py (``issue_and_export_options``, ``issue_choice``): the numbering, approval and
document guarantees of a plain quote hold for a quote with options.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QVBoxLayout,
)

from configurator.core.errors import ConfiguratorError
from configurator.core.quotes import MAX_OPTIONS, MIN_OPTIONS, QuoteError, check_issuable, default_service_lines


def tray_options(context, workload=None) -> tuple[list, str]:
    """(name, build) of the compare tray's ticked builds (on ``workload`` when given), and why there are
    none to offer ('' when there are)."""
    from configurator.core.buildfile import loads
    from configurator.ui.views.compare_tray import open_tray

    tray, own = open_tray(context)
    try:
        items = tray.compared()
    finally:
        if own is not None:
            own.close()
    out = []
    for item in items:
        try:
            build = loads(item.build_json, context.catalog, item.name)
        except ConfiguratorError as exc:
            return [], f"{item.name} in the compare tray cannot be quoted: {exc}"
        if workload is not None:
            build.set_workload(workload)
        out.append((item.name, build))
    if not MIN_OPTIONS <= len(out) <= MAX_OPTIONS:
        return [], f"tick {MIN_OPTIONS} or {MAX_OPTIONS} builds in the compare tray to quote them as options"
    return out, ""


def _merged(lines_per_option) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for lines in lines_per_option:
        seen.update(dict.fromkeys(lines))
    return tuple(seen)


class OptionsPanel(QGroupBox):
    """Lives in the quote dialog; ``active`` while the quote is issued as a quote with options."""

    def __init__(self, dialog, options: list | None = None):
        super().__init__("Quote with options (good / better / best)", dialog)
        self.setObjectName("quote-options")
        self.dialog = dialog
        given = options is not None
        if given:
            self.options, why = list(options), ""
            if not MIN_OPTIONS <= len(self.options) <= MAX_OPTIONS:
                self.options, why = [], f"a quote with options offers {MIN_OPTIONS} or {MAX_OPTIONS} builds"
        else:
            self.options, why = tray_options(dialog.context, dialog.document.build.workload)
        self._analyses: list | None = None
        self.use = QCheckBox(f"Quote the {len(self.options)} compared builds as options of one quote"
                             if self.options else f"No options to quote: {why}")
        self.use.setObjectName("quote-options-use")
        self.use.setEnabled(bool(self.options))
        self.use.setChecked(given and bool(self.options))
        self.use.toggled.connect(self._toggled)
        self.summary = QLabel()
        self.summary.setObjectName("quote-options-summary")
        self.summary.setWordWrap(True)
        self.choice_number = QLineEdit()
        self.choice_number.setPlaceholderText("Q-XXXXXXXXXX-00042")
        self.choice_option = QSpinBox()
        self.choice_option.setRange(1, MAX_OPTIONS)
        self.choice_option.setPrefix("option ")
        self.choice_button = QPushButton("Record the customer's choice and export…")
        self.choice_button.setObjectName("quote-options-choose")
        self.choice_button.clicked.connect(self._choice_clicked)
        choice = QHBoxLayout()
        for w in (self.choice_number, self.choice_option, self.choice_button):
            choice.addWidget(w)
        form = QFormLayout()
        form.addRow("Customer chose", choice)
        layout = QVBoxLayout(self)
        layout.addWidget(self.use)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        if self.use.isChecked():
            for box in (dialog.with_sheet, dialog.with_bom):
                box.setEnabled(False)

    def _toggled(self, on: bool) -> None:
        for box in (self.dialog.with_sheet, self.dialog.with_bom):  # one build sheet and BOM per chosen build
            box.setEnabled(not on)
        self.dialog.refresh()

    @property
    def active(self) -> bool:
        return self.use.isChecked() and bool(self.options)

    # -- the quote as the dialog's form stands ------------------------------------------------------
    def _analysed(self) -> list:
        from configurator.core.analysis import analyze

        if self._analyses is None:
            self._analyses = [analyze(b, self.dialog.context.catalog) for _, b in self.options]
        return self._analyses

    def contents(self, quote) -> list:
        from configurator.export.issue import option_contents

        return option_contents(quote, self.options, self.dialog.context.catalog, self._analysed())

    def create_values(self) -> dict:
        """The dialog's terms for a new quote with options (service lines of every option)."""
        d = self.dialog
        lines = [default_service_lines(b) for _, b in self.options]
        return {**d.terms_values(), "customer": d.customer(), "valid_days": d.valid_days.value(),
                "warranty": _merged(w for w, _ in lines), "support": _merged(s for _, s in lines)}

    def refresh_dialog(self) -> None:
        """The dialog's status line and buttons for the quote with options as the form stands."""
        from configurator.export.issue import options_approval
        from configurator.export.quote_content import option_title, options_total
        from configurator.present import money

        d = self.dialog
        problem = None
        try:
            for (name, _), a in zip(self.options, self._analysed()):
                try:
                    check_issuable(a.findings)
                except ConfiguratorError as exc:
                    raise QuoteError(f"option '{name}': {exc}") from None
            quote = d.draft()
            contents = self.contents(quote)
            state = options_approval(quote, contents, d.store)
        except ConfiguratorError as exc:
            problem = str(exc)
        if problem:
            self.summary.setText("")
            d.status.setText(f"Cannot issue: {problem}")
        else:
            cur = contents[0].sheet.currency
            self.summary.setText("\n".join(f"{option_title(i, c.name)}: {money(c.sheet.total, cur)}"
                                           for i, c in enumerate(contents)))
            if state.refused:
                problem = state.refused
                d.status.setText(f"Approval code refused: {state.refused}. Clear it to issue the quote as pending "
                                 "approval.")
            elif state.pending:
                d.status.setText(f"Needs approval: {state.reason}. An approval signs the discount and the options' "
                                 f"combined total {money(options_total(contents), cur)}; without one the quote "
                                 f"prints 'pending approval' as {quote.number}-A.")
            else:
                d.status.setText(f"Ready to issue as {quote.number}-A with {len(contents)} options"
                                 + (" (approved)." if state.state == "approved" else "."))
        d.export_button.setEnabled(problem is None)
        d.preview_button.setEnabled(problem is None)

    def preview_document(self):
        from configurator.export.issue import options_approval
        from configurator.export.quote_content import options_document

        d = self.dialog
        quote = d.draft()
        contents = self.contents(quote)
        state = options_approval(quote, contents, d.store)
        return options_document(quote, contents, state, d.branding(), d.edition.currentData()), None

    def export_to(self, pdf):
        from configurator.export.issue import issue_and_export_options
        from configurator.present import count

        d = self.dialog
        try:
            done = issue_and_export_options(d.store, self.options, d.context.catalog, d.branding(),
                                            d.edition.currentData(), pdf, create=self.create_values())
        except (ConfiguratorError, OSError) as exc:
            d.status.setText(f"Not exported: {exc}")
            return None
        d.issued = done.quote
        note = f" Needs approval: {done.approval.reason}." if done.approval.pending else ""
        d.status.setText(f"Issued {done.quote.label} with {len(done.quote.options)} options: {pdf.name} "
                         f"({count(done.pages, 'page')}). When the customer chooses, record it below.{note}")
        self.choice_number.setText(done.quote.number)
        d.quote_issued.emit(done.quote)
        return done.quote

    # -- the customer's choice ----------------------------------------------------------------------
    def record_choice(self, number: str, option: int, pdf):
        """Issue the next revision of ``number`` quoting option ``option`` (1-based, as printed) alone."""
        from pathlib import Path

        from configurator.export.issue import issue_choice
        from configurator.present import money_code

        d = self.dialog
        pdf = Path(pdf)
        try:
            done = issue_choice(d.store, number.strip(), option - 1, d.context.catalog, d.branding(),
                                d.edition.currentData(), pdf)
        except (ConfiguratorError, OSError) as exc:
            d.status.setText(f"Choice not recorded: {exc}")
            return None
        d.issued = done.quote
        d.status.setText(f"Issued {done.quote.label}: option {option} ({done.quote.build_name}), total "
                         f"{money_code(done.sheet.total, done.sheet.currency)}, {pdf.name}.")
        d.quote_issued.emit(done.quote)
        return done.quote

    def _choice_clicked(self) -> None:
        number = self.choice_number.text().strip()
        if not number:
            self.dialog.status.setText("Type the number of the quote with options the customer answered.")
            return
        if not self.dialog.confirm_branding():
            return
        option = self.choice_option.value()
        path, _ = QFileDialog.getSaveFileName(self, "Export the chosen option", f"{number}-option-{option}.pdf",
                                              "PDF (*.pdf)")
        if path:
            self.record_choice(number, option, path)


__all__ = ["OptionsPanel", "tray_options"]
