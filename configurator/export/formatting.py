"""What every export shares: its error type and the customer-edition data guard.

The customer edition must show no dealer cost or margin anywhere. That is guarded on the data, not on
the words: a customer document is built from ``customer_view(sheet)``, a price sheet that holds no cost
at all, so no cost figure can reach it, while a customer called "Cost Plus Drug Mart" or a build named
"Low-cost 70B inference box" prints as it is.

How a figure reads lives in configurator/present (one place for the window, the documents and the CLI).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from configurator.core.errors import ConfiguratorError

if TYPE_CHECKING:
    from configurator.core.pricing import PriceSheet

# Leading characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"): =, +, -, @, and
# tab / carriage return, which some programs skip before looking for one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ConfiguratorError):
    pass


def customer_view(sheet: "PriceSheet") -> "PriceSheet":
    """The same lines and totals without any dealer cost (unit cost, cost, margin are None)."""
    lines = tuple(replace(l, unit_cost=None, cost=None) for l in sheet.lines)
    return replace(sheet, lines=lines, has_costs=False)


def ensure_customer_safe(sheet: "PriceSheet", what: str) -> None:
    """Raise ExportError when a price sheet meant for a customer document still carries cost data."""
    if sheet.has_costs or any(l.cost is not None or l.unit_cost is not None for l in sheet.lines):
        raise ExportError(f"the customer edition of the {what} was given dealer costs: nothing was written")


def neutralise_cell(text: str) -> str:
    """A CSV cell a spreadsheet will show as text: one starting like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
