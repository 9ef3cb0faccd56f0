"""The quote dialog: customer, terms, discount and approval code; print preview and export.

Every figure and rule comes from the core (core/quotes: validation, approval; core/analysis: findings)
and the export path is the command line's (export/issue.py). Numbers are read as the user types them in
their locale (QLocale's decimal mark and grouping, core/quotes/entry.py): "0,92" is 0.92 in German and
refused in English, never read as 92. The role and the discount limit are the installation's protected
policy (shown, not chosen). The customer edition shows no discount, approval, currency or exchange-rate
field and exports list prices only. In the manager role the dialog also signs approvals (the approver's
side of `configurator approve`).

Branding: the letterhead is the user database's (export/branding.py). While any of it is still the shipped
placeholder or empty, the dialog says which, and "Issue and export…" (and recording an option's choice) asks
for a confirmation naming those fields before a number is used; "No" issues nothing. ``ask(title, question)
-> yes?`` and ``dialogs`` (ui/dialog_folders.py: the export folder is remembered) are the seams tests drive.

A new revision (``revise``: the latest revision of a saved quote, from the saved-quotes browser): the form starts
from that revision's customer and terms, the build is the window's (the quote's build, reopened there to be
changed), and issuing makes the next revision letter of the same number (export/issue.py ``revise``); the
issued revisions before it stay as they were.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout,
)

from configurator.core.errors import ConfiguratorError
from configurator.core.quotes import (
    DEFAULT_VALID_DAYS, MANAGER, PAYMENT_TERMS, Customer, Quote, check_issuable, default_service_lines,
    quote_prices, valid_until_for, validate,
)
from configurator.core.quotes.entry import parse_typed


class QuoteDialog(QDialog):
    quote_issued = Signal(object)  # the issued core Quote

    def __init__(self, context, document, parent=None, locale: QLocale | None = None, options: list | None = None,
                 ask=None, dialogs=None, revise: Quote | None = None):
        super().__init__(parent)
        from configurator.ui.dialog_folders import FileDialogs

        from configurator.store.quotes import QuoteStore
        from configurator.store.userdb import UserDatabase, user_database_path

        self.setWindowTitle("Quote")
        self.setObjectName("quote-dialog")
        self.context, self.document = context, document
        self.internal = context.edition == "internal"
        self.locale = locale or QLocale()
        self._own_db = None
        user_db = getattr(context, "user_db", None)
        if user_db is None:
            user_db = self._own_db = UserDatabase(user_database_path())
        self.store = QuoteStore(user_db.db)
        self.user_db = user_db
        self.ask = ask or (lambda title, text: QMessageBox.question(self, title, text)
                           == QMessageBox.StandardButton.Yes)
        self.dialogs = dialogs or FileDialogs(getattr(context, "settings", None))
        self.revise_of = revise
        if revise is not None:
            self.setWindowTitle(f"New revision of {revise.number}")
        self.policy = self.store.discount_policy()
        self.issued: Quote | None = None
        self._options = options  # [(name, Build)]: a quote with options (ui/views/options_quote.py)
        self._build_form()
        if revise is not None:
            self._start_from(revise)
        self.refresh()

    # -- form -----------------------------------------------------------------------------------------
    def _line(self, text: str = "", placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.refresh)
        return edit

    def _number_text(self, value: str) -> str:
        """A plain number ('0.92') as this locale writes it ('0,92')."""
        return value.replace(".", self.locale.decimalPoint())

    def _build_form(self) -> None:
        self.customer_pick = QComboBox()
        self.customer_pick.addItem("New customer", None)
        for c in self.store.customers():
            self.customer_pick.addItem(f"{c.name}{' (' + c.company + ')' if c.company else ''}", c)
        self.customer_pick.currentIndexChanged.connect(self._pick_customer)
        self.name, self.company = self._line(placeholder="required"), self._line()
        self.email, self.phone = self._line(), self._line()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(64)
        customer = QFormLayout()
        for label, widget in (("Saved", self.customer_pick), ("Name", self.name), ("Company", self.company),
                              ("Email", self.email), ("Phone", self.phone), ("Address", self.address)):
            customer.addRow(label, widget)

        self.terms = QComboBox()
        for key, text in PAYMENT_TERMS.items():
            self.terms.addItem(text, key)
        self.valid_days = QSpinBox()
        self.valid_days.setRange(1, 366)
        self.valid_days.setValue(DEFAULT_VALID_DAYS)
        self.valid_days.setSuffix(" days")
        price = getattr(self.document.analysis, "price", None)
        self.base_currency = price.currency if price is not None else "USD"
        self.currency = self._line(self.base_currency)
        self.currency.setMaxLength(3)
        self.currency.textChanged.connect(self._currency_changed)
        self.rate = self._line(self._number_text("1"))
        self.tax = self._line(self._number_text("0"))
        self.discount, self.approval_code = self._line(self._number_text("0")), self._line(
            placeholder="paste the approver's token (A1:...)")
        self.role_label = QLabel(f"{self.policy.role.replace('_', ' ')} (discount limit {self.policy.limit()}%)")
        self.role_label.setObjectName("quote-role")
        self.edition = QComboBox()
        self.edition.addItem("Customer (list prices)", "customer")
        if self.internal:
            self.edition.addItem("Internal (cost and margin)", "internal")
        terms = QFormLayout()
        rows = [("Payment terms", self.terms), ("Valid for", self.valid_days), ("Tax %", self.tax)]
        if self.internal:  # the customer edition gives no discount and sets no currency or exchange rate
            rows += [("Currency", self.currency), ("Exchange rate", self.rate), ("Discount %", self.discount),
                     ("Role", self.role_label), ("Approval code", self.approval_code), ("Document", self.edition)]
        for label, widget in rows:
            terms.addRow(label, widget)
        for combo in (self.terms, self.edition):
            combo.currentIndexChanged.connect(self.refresh)
        self.valid_days.valueChanged.connect(self.refresh)

        self.with_sheet = QCheckBox("Also write the build sheet (PDF)")
        self.with_bom = QCheckBox("Also write the bill of materials (CSV)")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("quote-status")
        self.preview_button = QPushButton("Print preview…")
        self.export_button = QPushButton("Issue and export…")
        self.preview_button.clicked.connect(self.print_preview)
        self.export_button.clicked.connect(self._export_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)

        self.branding_note = QLabel()
        self.branding_note.setObjectName("quote-branding")
        self.branding_note.setWordWrap(True)
        self.branding_button = QPushButton("Branding…")
        self.branding_button.setObjectName("quote-branding-button")
        self.branding_button.clicked.connect(self.edit_branding)
        branding_row = QHBoxLayout()
        branding_row.addWidget(self.branding_note, 1)
        branding_row.addWidget(self.branding_button)

        columns = QHBoxLayout()
        for title, form in (("Customer", customer), ("Terms", terms)):
            box = QGroupBox(title)
            box.setLayout(form)
            columns.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        self.approver_box = self._approver_box() if self.internal and self.policy.role == MANAGER else None
        if self.approver_box is not None:
            layout.addWidget(self.approver_box)
        from configurator.ui.views.options_quote import OptionsPanel

        self.options_panel = OptionsPanel(self, self._options)
        for widget in (self.options_panel, self.with_sheet, self.with_bom, self.status):
            layout.addWidget(widget)
        layout.addLayout(branding_row)
        layout.addWidget(buttons)
        self._show_branding()

    def _start_from(self, quote: Quote) -> None:
        """The form as ``quote`` (the revision a new one is made from) left it."""
        c = quote.customer
        index = next((i for i in range(self.customer_pick.count())
                      if getattr(self.customer_pick.itemData(i), "id", None) == c.id and c.id is not None), 0)
        self.customer_pick.setCurrentIndex(index)
        for edit, value in ((self.name, c.name), (self.company, c.company), (self.email, c.email),
                            (self.phone, c.phone)):
            edit.setText(value)
        self.address.setPlainText(c.address)
        self.terms.setCurrentIndex(max(0, self.terms.findData(quote.payment_terms)))
        self.valid_days.setValue(max(1, min(366, (quote.valid_until - quote.issue_date).days)))
        self.tax.setText(self._number_text(format(quote.tax_percent, "f")))
        if self.internal:
            self.currency.setText(quote.currency)
            self.rate.setText(self._number_text(format(quote.exchange_rate, "f")))
            self.discount.setText(self._number_text(format(quote.discount_percent, "f")))

    def _approver_box(self) -> QGroupBox:
        """The approver's side: sign a quote's number, discount and total with a private key file."""
        self.sign_key, self.sign_number = QLineEdit(), QLineEdit()
        self.sign_key.setPlaceholderText("approver key file (.pem)")
        self.sign_number.setPlaceholderText("Q-XXXXXXXXXX-00042")
        self.sign_discount, self.sign_total = QLineEdit(), QLineEdit()
        self.sign_total.setPlaceholderText("the total as printed")
        self.sign_token = QLineEdit()
        self.sign_token.setReadOnly(True)
        self.sign_button = QPushButton("Sign approval")
        self.sign_button.clicked.connect(self.sign_approval)
        browse = QPushButton("Key file…")
        browse.clicked.connect(lambda: self.sign_key.setText(
            QFileDialog.getOpenFileName(self, "Approver key", "", "Keys (*.pem);;All files (*)")[0]
            or self.sign_key.text()))
        form = QFormLayout()
        key_row = QHBoxLayout()
        key_row.addWidget(self.sign_key)
        key_row.addWidget(browse)
        form.addRow("Key", key_row)
        for label, widget in (("Quote number", self.sign_number), ("Discount %", self.sign_discount),
                              ("Total", self.sign_total), ("", self.sign_button), ("Token", self.sign_token)):
            form.addRow(label, widget)
        box = QGroupBox("Approve a quote (manager)")
        box.setLayout(form)
        return box

    def _pick_customer(self) -> None:
        c: Customer | None = self.customer_pick.currentData()
        for edit, value in ((self.name, c.name if c else ""), (self.company, c.company if c else ""),
                            (self.email, c.email if c else ""), (self.phone, c.phone if c else "")):
            edit.setText(value)
        self.address.setPlainText(c.address if c else "")

    def _currency_changed(self, text: str) -> None:
        """A new currency starts from the stored rate for the pair (which needs no approval)."""
        stored = self.policy.stored_rate(self.base_currency, text.strip().upper())
        if stored is not None:
            self.rate.setText(self._number_text(format(stored, "f")))

    # -- reading the form through the core ------------------------------------------------------------
    def _typed(self, edit: QLineEdit, what: str, default: str = "0") -> str:
        """The field as a plain decimal string, read with the locale's marks (InvalidInputError naming it)."""
        text = edit.text().strip()
        if not text:
            return default
        return str(parse_typed(text, what, self.locale.decimalPoint(), self.locale.groupSeparator()))

    def customer(self) -> Customer:
        picked: Customer | None = self.customer_pick.currentData()
        return Customer(self.name.text().strip(), self.company.text().strip(), self.email.text().strip(),
                        self.phone.text().strip(), self.address.toPlainText().strip(),
                        picked.notes if picked else "", picked.id if picked else None)

    def terms_values(self) -> dict:
        from configurator.core.buildfile import dumps

        build = self.document.build
        warranty, support = default_service_lines(build)
        if self.internal:
            currency = self.currency.text().strip().upper() or self.base_currency
            rate = self._typed(self.rate, "exchange rate", "1")
            discount = self._typed(self.discount, "discount")
            code = "".join(self.approval_code.text().split())
        else:
            currency, rate, discount, code = self.base_currency, "1", "0", ""
        return dict(payment_terms=self.terms.currentData(), currency=currency, exchange_rate=rate,
                    tax_percent=self._typed(self.tax, "tax rate"), discount_percent=discount, role=self.policy.role,
                    approval_code=code, warranty=warranty, support=support, build_json=dumps(build),
                    build_name=build.name)

    def draft(self) -> Quote:
        """The quote as the form stands (not stored): raises ConfiguratorError for a bad field."""
        from configurator.core.quotes.model import next_revision

        today = date.today()
        if self.revise_of is not None:
            latest = self.store.revisions(self.revise_of.number)[-1]
            numbering = dict(prefix=latest.prefix, sequence=latest.sequence, revision=next_revision(latest.revision))
        else:
            numbering = dict(prefix=self.store.installation_prefix(), sequence=self.store.peek_sequence())
        return validate(Quote(**numbering, customer=self.customer(), issue_date=today,
                              valid_until=valid_until_for(today, self.valid_days.value()), **self.terms_values()))

    def analysis(self):
        from configurator.core.analysis import analyze

        return analyze(self.document.build, self.context.catalog)  # fresh: the window's may be a frame old

    def refresh(self) -> None:
        from configurator.export.issue import quote_approval

        if getattr(self, "options_panel", None) is not None and self.options_panel.active:  # its own checks
            self.options_panel.refresh_dialog()
            return
        problem = None
        analysis = self.document.analysis
        try:
            if analysis is not None:
                check_issuable(analysis.findings)
            quote = self.draft()
            state = quote_approval(quote, quote_prices(quote, self.document.build), self.document.build, self.store)
        except ConfiguratorError as exc:
            problem = str(exc)
        if problem:
            self.status.setText(f"Cannot issue: {problem}")
        elif state.refused:
            problem = state.refused
            self.status.setText(f"Approval code refused: {state.refused}. Clear it to issue the quote as "
                                f"pending approval.")
        elif state.pending:
            self.status.setText(f"Needs approval: {state.reason}. Without an approver's token the quote prints "
                                f"'pending approval' as {quote.label}.")
        else:
            self.status.setText(f"Ready to issue as {quote.label}"
                                + (" (approved)." if state.state == "approved" else "."))
        self.export_button.setEnabled(problem is None)
        self.preview_button.setEnabled(problem is None)

    # -- branding -----------------------------------------------------------------------------------------
    def branding(self):
        """The letterhead documents print: the user database's branding, else the user's file, else the sample."""
        from configurator.export.branding import load_branding

        return load_branding(user_db_path=getattr(self.user_db, "path", None))

    def branding_placeholders(self) -> list[str]:
        from configurator.export.branding import placeholders

        try:
            return placeholders(self.branding())
        except ConfiguratorError:
            return ["company name", "address", "tax id", "logo", "terms"]

    def _show_branding(self) -> None:
        missing = self.branding_placeholders()
        if missing:
            self.branding_note.setText(f"Letterhead: placeholder or missing {', '.join(missing)}.")
        else:
            self.branding_note.setText(f"Letterhead: {self.branding().company}.")

    def confirm_branding(self) -> bool:
        """True when the letterhead is the company's own, or the person confirmed issuing with what is missing."""
        missing = self.branding_placeholders()
        if not missing:
            return True
        if self.ask("Placeholder branding",
                    f"The letterhead still has placeholder or missing: {', '.join(missing)}. The customer will see "
                    f"it on the quote. Issue the quote anyway? (Branding… sets them up.)"):
            return True
        self.status.setText(f"Not issued: the letterhead still has placeholder {', '.join(missing)}. Set them up "
                            f"with Branding…")
        return False

    def edit_branding(self) -> None:
        from configurator.ui.views.branding_dialog import BrandingDialog

        dialog = BrandingDialog(self.user_db, self, dialogs=self.dialogs)
        dialog.exec()
        dialog.deleteLater()
        self._show_branding()

    # -- actions ----------------------------------------------------------------------------------------
    def sign_approval(self) -> str:
        """The approver's side: a token for the number, discount and total typed in (shown for copying)."""
        from configurator.core.quotes.approvals import load_private_key_file, sign_approval
        from configurator.core.quotes.model import format_number, parse_label

        try:
            prefix, sequence, _ = parse_label(self.sign_number.text())
            discount = parse_typed(self.sign_discount.text(), "discount", self.locale.decimalPoint(),
                                   self.locale.groupSeparator())
            total = parse_typed(self.sign_total.text().split()[-1] if self.sign_total.text().split() else "",
                                "total", self.locale.decimalPoint(), self.locale.groupSeparator())
            key = load_private_key_file(Path(self.sign_key.text().strip()))
            token = sign_approval(key, format_number(prefix, sequence), discount, total,
                                  date.today() + timedelta(days=14))
        except ConfiguratorError as exc:
            self.sign_token.setText("")
            self.status.setText(f"Cannot sign: {exc}")
            return ""
        self.sign_token.setText(token)
        self.status.setText("Approval signed: send the token to the sales engineer (valid 14 days).")
        return token

    def preview_document(self):
        from configurator.export.issue import quote_documents

        if self.options_panel.active:
            return self.options_panel.preview_document()
        analysis = self.analysis()
        document, _, _ = quote_documents(self.draft(), self.document.build, analysis, self.store, self.branding(),
                                         self.edition.currentData())
        return document, analysis

    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from configurator.export.pdf import default_chart_source, paint

        try:
            document, analysis = self.preview_document()
        except ConfiguratorError as exc:
            self.status.setText(f"Cannot preview: {exc}")
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        preview = QPrintPreviewDialog(printer, self)
        preview.paintRequested.connect(lambda p: paint(document, p, analysis, default_chart_source()))
        self._preview = preview
        preview.exec()

    def export_to(self, pdf: str | Path) -> Quote | None:
        """Issue the quote and write ``pdf`` (and the build sheet / BOM beside it when ticked). The button asks
        about placeholder branding first (``confirm_branding``)."""
        from configurator.export.issue import issue_and_export
        from configurator.present import count, money_code

        pdf = Path(pdf)
        if self.options_panel.active:
            return self.options_panel.export_to(pdf)
        sheet = pdf.with_name(f"{pdf.stem}-build-sheet.pdf") if self.with_sheet.isChecked() else None
        bom = pdf.with_name(f"{pdf.stem}-bom.csv") if self.with_bom.isChecked() else None
        try:
            create = {**self.terms_values(), "customer": self.customer(), "valid_days": self.valid_days.value()}
            done = issue_and_export(self.store, None, self.document.build, self.analysis(), self.branding(),
                                    self.edition.currentData(), pdf, sheet, bom, create=create,
                                    revise=self.revise_of.number if self.revise_of is not None else "")
        except (ConfiguratorError, OSError) as exc:
            self.status.setText(f"Not exported: {exc}")
            return None
        self.issued = done.quote
        note = f" Needs approval: {done.approval.reason}." if done.approval.pending else ""
        self.status.setText(f"Issued {done.quote.label}: {pdf.name} ({count(done.pages, 'page')}), total "
                            f"{money_code(done.sheet.total, done.sheet.currency)}.{note}")
        self.quote_issued.emit(done.quote)
        return done.quote

    def _export_clicked(self) -> None:
        if not self.confirm_branding():
            return
        name = f"{self.draft().label}.pdf" if self.export_button.isEnabled() else "quote.pdf"
        path = self.dialogs.save_file(self, "quote", "Export quote", "PDF (*.pdf)", name)
        if path:
            self.export_to(path)

    def done(self, result: int) -> None:  # closing the dialog releases a database it opened itself
        if self._own_db is not None:
            self._own_db.close()
            self._own_db = None
        super().done(result)


__all__ = ["QuoteDialog"]
