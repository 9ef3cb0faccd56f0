"""The quote dialog: customer, terms, discount and approval code; print preview and export.

Every figure and rule comes from the core (core/quotes: validation, approval; core/analysis:
findings) and the export path is the command line's (export/issue.py). The customer edition shows
no discount, role or approval fields and exports list prices only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout,
)

from configurator.core.errors import ConfiguratorError
from configurator.core.quotes import (
    DEFAULT_VALID_DAYS, PAYMENT_TERMS, ROLES, SALES_ENGINEER, Customer, Quote, approval, check_issuable,
    default_service_lines, valid_until_for, validate,
)


class QuoteDialog(QDialog):
    quote_issued = Signal(object)  # the issued core Quote

    def __init__(self, context, document, parent=None):
        super().__init__(parent)
        from configurator.store.quotes import QuoteStore
        from configurator.store.userdb import UserDatabase, user_database_path

        self.setWindowTitle("Quote")
        self.setObjectName("quote-dialog")
        self.context, self.document = context, document
        self.internal = context.edition == "internal"
        self._own_db = None
        user_db = getattr(context, "user_db", None)
        if user_db is None:
            user_db = self._own_db = UserDatabase(user_database_path())
        self.store = QuoteStore(user_db.db)
        self.issued: Quote | None = None
        self._build_form()
        self.refresh()

    # -- form -----------------------------------------------------------------------------------------
    def _line(self, text: str = "", placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.refresh)
        return edit

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
        self.currency = self._line(price.currency if price is not None else "USD")
        self.currency.setMaxLength(3)
        self.rate, self.tax = self._line("1"), self._line("0")
        self.discount, self.approval_code = self._line("0"), self._line(placeholder="needed above your limit")
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(role.replace("_", " "), role)
        self.edition = QComboBox()
        self.edition.addItem("Customer (list prices)", "customer")
        if self.internal:
            self.edition.addItem("Internal (cost and margin)", "internal")
        terms = QFormLayout()
        rows = [("Payment terms", self.terms), ("Valid for", self.valid_days), ("Currency", self.currency),
                ("Exchange rate", self.rate), ("Tax %", self.tax)]
        if self.internal:
            rows += [("Discount %", self.discount), ("Role", self.role), ("Approval code", self.approval_code),
                     ("Document", self.edition)]
        for label, widget in rows:
            terms.addRow(label, widget)
        for combo in (self.terms, self.role, self.edition):
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

        columns = QHBoxLayout()
        for title, form in (("Customer", customer), ("Terms", terms)):
            box = QGroupBox(title)
            box.setLayout(form)
            columns.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        for widget in (self.with_sheet, self.with_bom, self.status):
            layout.addWidget(widget)
        layout.addWidget(buttons)

    def _pick_customer(self) -> None:
        c: Customer | None = self.customer_pick.currentData()
        for edit, value in ((self.name, c.name if c else ""), (self.company, c.company if c else ""),
                            (self.email, c.email if c else ""), (self.phone, c.phone if c else "")):
            edit.setText(value)
        self.address.setPlainText(c.address if c else "")

    # -- reading the form through the core ------------------------------------------------------------
    def customer(self) -> Customer:
        picked: Customer | None = self.customer_pick.currentData()
        return Customer(self.name.text().strip(), self.company.text().strip(), self.email.text().strip(),
                        self.phone.text().strip(), self.address.toPlainText().strip(),
                        picked.notes if picked else "", picked.id if picked else None)

    def terms_values(self) -> dict:
        from configurator.core.buildfile import dumps

        build = self.document.build
        warranty, support = default_service_lines(build)
        return dict(payment_terms=self.terms.currentData(), currency=self.currency.text().strip() or "USD",
                    exchange_rate=self.rate.text().strip() or "0", tax_percent=self.tax.text().strip() or "0",
                    discount_percent=(self.discount.text().strip() or "0") if self.internal else "0",
                    role=self.role.currentData() if self.internal else SALES_ENGINEER,
                    approval_code=self.approval_code.text().strip() if self.internal else "",
                    warranty=warranty, support=support, build_json=dumps(build), build_name=build.name)

    def draft(self) -> Quote:
        """The quote as the form stands (not stored): raises ConfiguratorError for a bad field."""
        from datetime import date

        today = date.today()
        return validate(Quote(prefix=self.store.installation_prefix(), sequence=self.store.peek_sequence(),
                              customer=self.customer(), issue_date=today,
                              valid_until=valid_until_for(today, self.valid_days.value()), **self.terms_values()))

    def analysis(self):
        from configurator.core.analysis import analyze

        return analyze(self.document.build, self.context.catalog)  # fresh: the window's may be a frame old

    def refresh(self) -> None:
        problem = None
        analysis = self.document.analysis
        try:
            if analysis is not None:
                check_issuable(analysis.findings)
            quote = self.draft()
        except ConfiguratorError as exc:
            problem = str(exc)
        if problem:
            self.status.setText(f"Cannot issue: {problem}")
        else:
            state = approval(quote, self.store.discount_policy())
            self.status.setText(
                f"Discount {state.discount}% is above the {state.limit}% limit of a "
                f"{quote.role.replace('_', ' ')}: without an approval code the quote prints 'pending approval'."
                if state.pending else f"Ready to issue as {quote.number}-A.")
        self.export_button.setEnabled(problem is None)
        self.preview_button.setEnabled(problem is None)

    # -- actions ----------------------------------------------------------------------------------------
    def preview_document(self):
        from configurator.export.branding import load_branding
        from configurator.export.issue import quote_documents

        analysis = self.analysis()
        document, _, _ = quote_documents(self.draft(), self.document.build, analysis, self.store, load_branding(),
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
        """Issue the quote and write ``pdf`` (and the build sheet / BOM beside it when ticked)."""
        from configurator.export.branding import load_branding
        from configurator.export.issue import issue_and_export

        pdf = Path(pdf)
        sheet = pdf.with_name(f"{pdf.stem}-build-sheet.pdf") if self.with_sheet.isChecked() else None
        bom = pdf.with_name(f"{pdf.stem}-bom.csv") if self.with_bom.isChecked() else None
        create = {**self.terms_values(), "customer": self.customer(), "valid_days": self.valid_days.value()}
        try:
            done = issue_and_export(self.store, None, self.document.build, self.analysis(), load_branding(),
                                    self.edition.currentData(), pdf, sheet, bom, create=create)
        except (ConfiguratorError, OSError) as exc:
            self.status.setText(f"Not exported: {exc}")
            return None
        self.issued = done.quote
        note = " Discount pending approval." if done.approval.pending else ""
        self.status.setText(f"Issued {done.quote.label}: {pdf.name} ({done.pages} pages).{note}")
        self.quote_issued.emit(done.quote)
        return done.quote

    def _export_clicked(self) -> None:
        name = f"{self.draft().number}-A.pdf" if self.export_button.isEnabled() else "quote.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export quote", name, "PDF (*.pdf)")
        if path:
            self.export_to(path)

    def done(self, result: int) -> None:  # closing the dialog releases a database it opened itself
        if self._own_db is not None:
            self._own_db.close()
            self._own_db = None
        super().done(result)


__all__ = ["QuoteDialog"]
