"""Details of the part selected in the catalog: every spec with its source."""

from __future__ import annotations

import dataclasses
import html

from PySide6.QtWidgets import QTextBrowser

from configurator.present import money
from configurator.present.catalog import field_label, spec_value


class PartDetails(QTextBrowser):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.setObjectName("part-details")
        self._catalog = context.catalog
        self._internal = context.edition == "internal"
        self._show_cost = self._internal
        self._part = None
        self.setOpenExternalLinks(False)
        self.show_part(None)

    def set_show_cost(self, on: bool) -> None:
        """Dealer cost on or off (always off in the customer edition)."""
        self._show_cost = on and self._internal
        self.show_part(self._part)

    def show_part(self, part) -> None:
        self._part = part
        if part is None:
            self.setHtml("<p>Select a part in the catalog to see its specifications and sources.</p>")
            return
        rows = []
        for f in dataclasses.fields(part):
            if f.name in ("name", "source", "notes", "sellable"):
                continue
            shown = spec_value(f.name, getattr(part, f.name))
            rows.append(f"<tr><td><b>{html.escape(field_label(f.name))}</b></td><td>{html.escape(shown)}</td></tr>")
        price = self._catalog.price(getattr(part, "id", ""))
        if price is not None:
            rows.append(f"<tr><td><b>List price</b></td><td>{money(price.list_price, price.currency)}"
                        f" ({html.escape(price.price_basis)})</td></tr>")
            if self._show_cost and price.cost is not None:
                rows.append(f"<tr><td><b>Dealer cost</b></td><td>{money(price.cost, price.currency)}</td></tr>")
        notes = getattr(part, "notes", "")
        self.setHtml(
            f"<h2>{html.escape(part.name)}</h2><table cellspacing='4'>{''.join(rows)}</table>"
            + (f"<p><b>Notes.</b> {html.escape(notes)}</p>" if notes else "")
            + f"<p><b>Source.</b> {html.escape(getattr(part, 'source', ''))}</p>"
        )
