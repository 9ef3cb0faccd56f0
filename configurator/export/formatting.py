"""How figures print on documents: money with its currency, memory, rates and durations.

Only formatting: every figure comes from the core (pricing, analysis).
"""

from __future__ import annotations

import re
from decimal import Decimal

from configurator.core.errors import ConfiguratorError
from configurator.core.money import format_money

# Symbols printed before the amount; other currencies print their code ("CHF 1,234.00").
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩", "AUD": "A$",
           "CAD": "C$"}
GB = 1e9  # decimal GB, as the charts (charts/style.py) and the sizing core's capacities print

# The customer edition must not show dealer cost or margin anywhere: not the figure, not the word.
_INTERNAL_WORDS = re.compile(r"\b(costs?|margins?|dealer)\b", re.IGNORECASE)


class ExportError(ConfiguratorError):
    pass


def amount(value: Decimal) -> str:
    """'1,234,567.89'; negative amounts with a leading minus."""
    return format_money(value)


def money(value: Decimal, currency: str) -> str:
    """'€1,234,567.89', '$12.00', 'CHF 1,234.00'."""
    sign = "-" if value < 0 else ""
    symbol = SYMBOLS.get(currency)
    text = format_money(abs(value))
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{currency} {text}"


def percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%"


def gb(value_bytes: float) -> str:
    return f"{value_bytes / GB:,.1f} GB"


def rate(value: float, unit: str = "tokens/s") -> str:
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}"


def duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "not feasible"
    if seconds < 1:
        return f"{seconds * 1000:,.0f} ms"
    if seconds < 120:
        return f"{seconds:,.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:,.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:,.1f} h"
    return f"{seconds / 86400:,.1f} days"


def ensure_customer_safe(texts: list[str], what: str) -> None:
    """Raise ExportError if any text of a customer-edition export names cost or margin."""
    for text in texts:
        m = _INTERNAL_WORDS.search(text)
        if m:
            raise ExportError(f"the customer edition of the {what} would print '{m.group(0)}' "
                              f"(in '{text[:60]}'): nothing was written")
