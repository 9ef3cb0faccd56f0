"""How a single figure reads: one function per kind of figure, each with its unit written out.

Conventions (docs/architecture.md, "Wording"):
- Money: grouped thousands, two places, exact Decimal rounded half-up to the cent, a leading minus when
  negative. ``money``: the currency's symbol where it has an unambiguous one (``$29,565.00``, ``€1.10``),
  else its code (``CHF 1,234.00``): screens and documents. ``money_code``: always the code
  (``USD 29,565.00``), for command-line lines that scripts read. Tables whose column header names the
  currency print ``amount``.
- Memory: in the unit GPU makers print capacities in and the catalog keeps (an "80 GB" H100 holds 80 x 2^30
  bytes, a "141 GB" H200 141 x 2^30): ``GB`` here is 2^30 bytes, so a capacity reads as on the datasheet and
  every other figure is comparable with it. One place, none when whole: ``34.8 GB of 80 GB``. The sizing core
  computes in bytes; `configurator size --json` keeps its documented decimal GB (1e9 bytes) for scripts.
- Speeds in tokens per second, ``tok/s``: one place below 100, none above.
- Durations pick their unit: ms below a second, s below two minutes, min below two hours, h below three days,
  then days.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
BYTES_PER_UNIT = 2.0**30  # bytes in the memory unit printed: the datasheet "GB" (see above)
MEMORY_UNIT = "GB"


def amount(value: Decimal) -> str:
    """'1,234,567.89' (half-up to the cent; a float is refused: money is exact)."""
    if isinstance(value, float):
        raise TypeError(f"money must not be a float ({value!r})")
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


# Symbols printed before the amount; other currencies print their code ("CHF 1,234.00").
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩", "AUD": "A$",
           "CAD": "C$"}


def money(value: Decimal, currency: str) -> str:
    """'€1,234,567.89', '$12.00', '-$5.00', 'CHF 1,234.00'; without a currency, the amount alone."""
    sign = "-" if value < 0 else ""
    text = amount(abs(value))
    symbol = SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{text}"
    return f"{sign}{currency} {text}" if currency else f"{sign}{text}"


def money_code(value: Decimal, currency: str) -> str:
    """'USD 1,234,567.89' (the code, never a symbol)."""
    text = amount(value)
    return f"{currency} {text}" if currency else text


def percent(value: Decimal | int | float) -> str:
    """A percentage given in percent (a discount of Decimal('12.5') -> '12.5%'), as exact as it was entered."""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
    else:
        text = f"{value:g}"
    return f"{text}%"


def share(fraction: float) -> str:
    """A share given as a fraction: 0.384 -> '38%'; below 1% one place ('0.4%')."""
    pct = fraction * 100.0
    if 0 < abs(pct) < 1:
        return f"{pct:.1f}%"
    return f"{pct:.0f}%"


def memory_value(value_bytes: float) -> float:
    """Bytes in the printed memory unit (chart axes place numbers; their label is ``MEMORY_UNIT``)."""
    return value_bytes / BYTES_PER_UNIT


def memory(value_bytes: float) -> str:
    """'79.6 GB', '80 GB' (a whole number prints no decimal)."""
    text = f"{memory_value(value_bytes):,.1f}"
    return f"{text[:-2] if text.endswith('.0') else text} {MEMORY_UNIT}"


def tokens_per_s(value: float) -> str:
    """'45.2 tok/s', '1,234 tok/s'."""
    if not math.isfinite(value):
        return "—"
    return f"{value:,.0f} tok/s" if value >= 100 else f"{value:,.1f} tok/s"


def tokens(value: float) -> str:
    """A token count: '850 tokens', '12.5 million tokens', '1 billion tokens', '2.4 trillion tokens'."""
    for div, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= div:
            return f"{value / div:,.3g} {word} tokens"
    return f"{value:,.0f} tokens"


def duration(seconds: float) -> str:
    """'850 ms', '4.3 s', '12 min', '3.5 h', '4.2 days'; 'not feasible' for an infinite or undefined time."""
    if not math.isfinite(seconds):
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


def watts(value_w: float) -> str:
    """'1,440 W'."""
    return f"{value_w:,.0f} W"


_PLURALS = {"note": "notes", "error": "errors", "warning": "warnings", "user": "users", "GPU": "GPUs",
            "month": "months", "page": "pages"}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 warning', '2 warnings', '0 errors', '12,000 users'."""
    word = noun if n == 1 else (plural or _PLURALS.get(noun, noun + "s"))
    return f"{n:,} {word}"
