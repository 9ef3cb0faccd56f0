"""The price summary: list total of the build; dealer cost and margin only in the internal edition."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from configurator.present import money


class PriceSummary(QWidget):
    def __init__(self, document, edition: str, parent=None):
        super().__init__(parent)
        self.setObjectName("price-summary")
        self.show_cost = edition == "internal"
        self.label = QLabel(self)
        self.label.setObjectName("price-text")
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.label)
        self.internal = edition == "internal"
        self.analysis = None
        document.analysis_ready.connect(self.show_analysis)
        if document.analysis is not None:
            self.show_analysis(document.analysis)

    def set_show_cost(self, on: bool) -> None:
        """Dealer cost and margin on or off (always off in the customer edition)."""
        self.show_cost = on and self.internal
        if self.analysis is not None:
            self.show_analysis(self.analysis)

    def show_analysis(self, analysis) -> None:
        self.analysis = analysis
        sheet = analysis.price
        if sheet is None:
            self.label.setText(f"<i>No price: {html.escape(analysis.price_problem or 'empty build')}</i>")
            return
        cur = sheet.currency
        rows = [("Lines", str(len(sheet.lines))), ("List total", f"<b>{money(sheet.total, cur)}</b>")]
        if sheet.discount:
            rows.insert(1, ("Discount", money(-sheet.discount, cur)))
        if self.show_cost and sheet.cost is not None:
            rows.append(("Dealer cost", money(sheet.cost, cur)))
            rows.append(("Margin", money(sheet.margin, cur)))
        self.label.setText("<table>" + "".join(
            f"<tr><td>{k}&nbsp;&nbsp;</td><td align='right'>{v}</td></tr>" for k, v in rows) + "</table>")
