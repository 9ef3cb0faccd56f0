"""Company branding setup: company name, address, contact lines, tax id, logo and terms, kept in the user
database (store/branding.py) and printed on every quote, build sheet and BOM header from then on.

Offered once, before the first quote (``offer_first_setup``); always reachable from Tools > Company branding
and the quote dialog's "Branding…" button. Fields start empty with the shipped sample as grey placeholder
text (accepting the sample by pressing Save is not possible by accident); the terms start as the sample's
general terms, to edit.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QVBoxLayout,
)

from configurator.core.errors import ConfiguratorError

LOGO_FILTER = "Logo (*.svg *.png);;All files (*)"
TERMS_SEPARATOR = "\n\n"  # one blank line between paragraphs of the terms


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


class BrandingDialog(QDialog):
    def __init__(self, user_db, parent=None, dialogs=None):
        super().__init__(parent)
        from configurator.export.branding import load_branding, sample_branding
        from configurator.store.branding import BrandingStore
        from configurator.ui.dialog_folders import FileDialogs

        self.setWindowTitle("Company branding")
        self.setObjectName("branding-dialog")
        self.store = BrandingStore(user_db.db)
        self.dialogs = dialogs or FileDialogs()
        self.sample = sample_branding()
        record = self.store.get()
        current = load_branding(user_db_path=user_db.path) if record is not None else None
        self._logo: bytes | None = record.logo if record else None
        self._logo_name = record.logo_name if record else ""
        self.saved = None

        self.company = QLineEdit(current.company if current else "")
        self.company.setObjectName("branding-company")
        self.company.setPlaceholderText(self.sample.company)
        self.address = self._text("branding-address", current.address if current else (), self.sample.address)
        self.contact = self._text("branding-contact", current.contact if current else (), self.sample.contact)
        self.tax_id = QLineEdit(current.tax_id if current else "")
        self.tax_id.setObjectName("branding-tax-id")
        self.tax_id.setPlaceholderText(f"e.g. {self.sample.tax_id or 'DE123456789'}")
        self.logo_label = QLabel()
        self.logo_label.setObjectName("branding-logo")
        self.logo_label.setMinimumHeight(40)
        choose = QPushButton("Choose…")
        choose.setObjectName("branding-logo-choose")
        choose.clicked.connect(lambda: self.choose_logo())
        clear = QPushButton("No logo")
        clear.clicked.connect(self.clear_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(clear)
        terms = current.terms if current else self.sample.terms
        self.terms = QPlainTextEdit(TERMS_SEPARATOR.join(terms))
        self.terms.setObjectName("branding-terms")
        self.terms.setMinimumHeight(110)
        self.problem = QLabel()
        self.problem.setObjectName("branding-problem")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        for label, widget in (("Company name", self.company), ("Address", self.address),
                              ("Contact (email, phone, web)", self.contact), ("VAT / tax id", self.tax_id),
                              ("Logo (SVG or PNG)", logo_row), ("Terms (blank line between paragraphs)", self.terms)):
            form.addRow(label, widget)
        intro = QLabel("Your company as it appears on every quote and build sheet. Kept in this installation's "
                       "user database.")
        intro.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Later")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._show_logo()
        self.resize(560, 0)

    def _text(self, name: str, lines, placeholder_lines) -> QPlainTextEdit:
        edit = QPlainTextEdit("\n".join(lines))
        edit.setObjectName(name)
        edit.setPlaceholderText("\n".join(placeholder_lines))
        edit.setFixedHeight(64)
        return edit

    # -- logo ---------------------------------------------------------------------------------------------
    def _show_logo(self) -> None:
        if not self._logo:
            self.logo_label.setPixmap(QIcon().pixmap(1, 1))
            self.logo_label.setText("No logo")
            return
        from configurator.export.branding import logo_cache_file

        try:
            pixmap = QIcon(str(logo_cache_file(self._logo, self._logo_name))).pixmap(160, 40)
        except OSError:
            pixmap = None
        if pixmap is None or pixmap.isNull():
            self.logo_label.setText(self._logo_name)
        else:
            self.logo_label.setText("")
            self.logo_label.setPixmap(pixmap)

    def choose_logo(self, path: str | Path | None = None) -> bool:
        """Read the logo file (asking which when ``path`` is None); its bytes are kept, not its location."""
        from configurator.export.branding import LOGO_SUFFIXES
        from configurator.store.branding import MAX_LOGO_BYTES

        if path is None:
            path = self.dialogs.open_file(self, "logo", "Company logo", LOGO_FILTER)
            if not path:
                return False
        path = Path(path)
        if path.suffix.lower() not in LOGO_SUFFIXES:
            self.problem.setText(f"{path.name}: a logo is an SVG or PNG file")
            return False
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problem.setText(f"{path.name} cannot be read ({exc.strerror or exc})")
            return False
        if not data or len(data) > MAX_LOGO_BYTES:
            self.problem.setText(f"{path.name} is {len(data):,} bytes: a logo of 1 to {MAX_LOGO_BYTES:,} bytes "
                                 f"is accepted")
            return False
        self._logo, self._logo_name = data, path.name
        self.problem.setText("")
        self._show_logo()
        return True

    def clear_logo(self) -> None:
        self._logo, self._logo_name = None, ""
        self._show_logo()

    # -- saving -------------------------------------------------------------------------------------------
    def record(self):
        from configurator.export.branding import compose_footer
        from configurator.store.branding import BrandingRecord

        company = " ".join(self.company.text().split())
        address = _lines(self.address)
        tax_id = self.tax_id.text().strip()
        terms = [" ".join(p.split()) for p in self.terms.toPlainText().split(TERMS_SEPARATOR) if p.strip()]
        data = {"company": company, "address": address, "contact": _lines(self.contact), "tax_id": tax_id,
                "terms": terms, "footer": compose_footer(company, tuple(address), tax_id),
                "burn_in_note": self.sample.burn_in_note}
        return BrandingRecord(data, self._logo, self._logo_name)

    def save(self) -> bool:
        if not " ".join(self.company.text().split()):
            self.problem.setText("Type the company name (it heads every document).")
            return False
        try:
            self.saved = self.store.save(self.record())
        except ConfiguratorError as exc:
            self.problem.setText(f"Not saved: {exc}")
            return False
        self.accept()
        return True


def offer_first_setup(window) -> bool:
    """Before the first quote: the branding setup, once, when neither the user database nor the user's own
    branding file has the company's letterhead. True when it was offered."""
    from configurator.export.branding import branding_path, sample_path
    from configurator.store.branding import BrandingStore

    user_db = getattr(window.context, "user_db", None)
    if user_db is None:
        return False
    store = BrandingStore(user_db.db)
    try:
        if store.get() is not None or store.offered() or branding_path() != sample_path():
            return False
        dialog = BrandingDialog(user_db, window, dialogs=getattr(window, "dialogs", None))
        dialog.setWindowTitle("Set up your company's letterhead")
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.exec()
        dialog.deleteLater()
        if dialog.saved is None:
            store.mark_offered()  # "Later": not asked again; Tools > Company branding stays
    except ConfiguratorError as exc:
        window.statusBar().showMessage(f"Branding: {exc}", 8000)
        return False
    return True


__all__ = ["BrandingDialog", "offer_first_setup"]
