"""Saved quotes (Tools > Saved quotes): every revision of the quotes in the user database, newest quote first,
with number, revision, customer, date, total and state, and three actions on the selected revision:

- **Open build**: the build frozen with the revision opens in the window as an untitled copy (editing it never
  touches the quote);
- **New revision…**: the quote's build opens in the window and the quote dialog starts from the latest
  revision's customer and terms; issuing makes the next letter of the same number;
- **Export again…**: the issued revision's PDF written again (export/reexport.py: same number, no new one;
  refused when prices changed since it was issued).

Issued revisions stay read-only: nothing here changes a stored revision (the store refuses it, and a revision
whose seal no longer matches is shown as altered and is neither revised nor exported).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from configurator.core.errors import ConfiguratorError

COLUMNS = ("Number", "Rev.", "Customer", "Date", "Total", "State")
QUOTE_ROLE = Qt.ItemDataRole.UserRole + 1


def state_text(summary) -> str:
    quote = summary.quote
    if quote.altered:
        return f"altered: {quote.altered}"
    state = "issued (read-only)" if quote.read_only else "draft"
    if quote.options and quote.chosen_option is None:
        state += f", {len(quote.options)} options"
    elif quote.chosen_option is not None:
        state += f", option {quote.chosen_option + 1} chosen"
    return state


def total_text(summary) -> str:
    from configurator.present import money

    if not summary.totals:
        return "-"
    return " / ".join(money(t, summary.currency) for t in summary.totals)


class QuoteBrowser(QDialog):
    def __init__(self, context, parent=None, files=None, dialogs=None):
        super().__init__(parent)
        from configurator.store.quotes import QuoteStore
        from configurator.ui.dialog_folders import FileDialogs

        self.setWindowTitle("Saved quotes")
        self.setObjectName("quote-browser")
        self.context = context
        self.window_ = parent
        self.files = files
        self.dialogs = dialogs or FileDialogs(getattr(context, "settings", None))
        self.store = QuoteStore(context.user_db.db)
        self.summaries: list = []

        self.filter = QLineEdit()
        self.filter.setObjectName("quote-browser-filter")
        self.filter.setPlaceholderText("Filter by number, customer or company")
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("quote-browser-table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # issued revisions are read-only
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _i: self.open_build())

        self.open_button = QPushButton("Open build")
        self.revise_button = QPushButton("New revision…")
        self.export_button = QPushButton("Export again…")
        for button, name, slot in ((self.open_button, "quote-browser-open", self.open_build),
                                   (self.revise_button, "quote-browser-revise", self.new_revision),
                                   (self.export_button, "quote-browser-export", self.export_again)):
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, f=slot: f())
        self.edition = QComboBox()
        self.edition.addItem("Customer (list prices)", "customer")
        if context.edition == "internal":
            self.edition.addItem("Internal (cost and margin)", "internal")
        self.status = QLabel()
        self.status.setObjectName("quote-browser-status")
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        for w in (self.open_button, self.revise_button, self.export_button, QLabel("Document"), self.edition):
            actions.addWidget(w)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(900, 460)
        self.reload()

    # -- the list ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.summaries = self.store.summaries()
        except ConfiguratorError as exc:
            self.summaries = []
            self.status.setText(f"The saved quotes cannot be read: {exc}")
        self.table.setRowCount(len(self.summaries))
        for row, s in enumerate(self.summaries):
            q = s.quote
            customer = q.customer.name + (f" ({q.customer.company})" if q.customer.company else "")
            cells = (q.number, q.revision, customer, q.issue_date.isoformat(), total_text(s), state_text(s))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(QUOTE_ROLE, row)
                if col == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if not self.summaries and not self.status.text():
            self.status.setText("No saved quotes yet: Tools > Quote issues one.")
        self._apply_filter(self.filter.text())
        self._selection_changed()

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for row, s in enumerate(self.summaries):
            q = s.quote
            hay = f"{q.label} {q.customer.name} {q.customer.company} {q.build_name}".casefold()
            self.table.setRowHidden(row, not all(w in hay for w in words))

    def select(self, label: str) -> bool:
        """Select the row of revision ``label`` ('Q-...-00042-B')."""
        for row, s in enumerate(self.summaries):
            if s.quote.label == label:
                self.table.selectRow(row)
                return True
        return False

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.summaries[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        s = self.selected()
        genuine = s is not None and not s.quote.altered
        self.open_button.setEnabled(s is not None)
        self.revise_button.setEnabled(genuine)
        self.export_button.setEnabled(genuine and s.quote.read_only)

    # -- actions --------------------------------------------------------------------------------------
    def _load_build(self, summary) -> bool:
        """The revision's build in the window, as an untitled copy (asking about unsaved changes first)."""
        from configurator.core.buildfile import loads

        quote = summary.quote
        try:
            build = loads(quote.build_json, self.context.catalog, quote.label)
        except ConfiguratorError as exc:
            self.status.setText(f"The build of {quote.label} cannot be opened: {exc}")
            return False
        if self.files is not None and not self.files.confirm_unsaved("opening the quote's build"):
            return False
        self.window_.document.replace_build(build, None)
        return True

    def open_build(self) -> bool:
        s = self.selected()
        if s is None or not self._load_build(s):
            return False
        self.status.setText(f"Opened the build of {s.quote.label} in the window (an untitled copy: the quote "
                            f"stays as issued).")
        return True

    def new_revision(self):
        """Open the quote's build and the quote dialog for the next revision; the issued quote, or None."""
        from configurator.ui.views.quote_dialog import QuoteDialog

        s = self.selected()
        if s is None or s.quote.altered:
            return None
        try:
            latest = self.store.revisions(s.quote.number)[-1]
        except ConfiguratorError as exc:
            self.status.setText(str(exc))
            return None
        if latest.altered:
            self.status.setText(f"{latest.label} was altered after it was issued: it is not revised")
            return None
        if not self._load_build(next(x for x in self.summaries if x.quote.label == latest.label)):
            return None
        document = self.window_.document
        document.recompute()
        ask = self.files.ask if self.files is not None else None
        dialog = QuoteDialog(self.context, document, self, ask=ask, dialogs=self.dialogs, revise=latest)
        self.quote_dialog = dialog
        dialog.exec()
        issued = dialog.issued
        dialog.deleteLater()
        self.quote_dialog = None
        self.reload()
        if issued is not None:
            self.select(issued.label)
            self.status.setText(f"Issued {issued.label}.")
        return issued

    def export_again(self, path=None):
        """Write the selected issued revision's PDF again (asking where when ``path`` is None)."""
        from configurator.export.reexport import reexport
        from configurator.present import count

        s = self.selected()
        if s is None or not s.quote.read_only or s.quote.altered:
            return None
        if path is None:
            path = self.dialogs.save_file(self, "quote", "Export quote again", "PDF (*.pdf)", f"{s.quote.label}.pdf")
            if not path:
                return None
        from configurator.export.branding import load_branding

        try:
            done = reexport(self.store, s.quote.label, self.context.catalog,
                            load_branding(user_db_path=self.context.user_db.path), self.edition.currentData(), path)
        except (ConfiguratorError, OSError) as exc:
            self.status.setText(f"Not exported: {exc}")
            return None
        self.status.setText(f"Exported {done.quote.label} again: {done.path.name} ({count(done.pages, 'page')}).")
        return done


__all__ = ["QuoteBrowser"]
