"""Exact money: Decimal only, rounded half-up to the cent.

Convention (DESIGN.md section 6): every line is rounded half-up to the cent on its own (price x
quantity, then its discount); totals are sums of rounded lines, so the printed lines always add up
to the printed total. Tax is one more rounded amount on the net total. A float is refused
everywhere: binary fractions cannot hold 0.10 exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from configurator.core.errors import InvalidInputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_decimal(value: Decimal | int | str, what: str = "amount") -> Decimal:
    """An exact Decimal from a Decimal, an int or a decimal string; a float raises TypeError."""
    if isinstance(value, float):
        raise TypeError(f"{what} must not be a float ({value!r}): use Decimal or a decimal string")
    if isinstance(value, bool):
        raise InvalidInputError(f"{what} must be a number, not {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _PLAIN_NUMBER.match(text):
            raise InvalidInputError(_not_a_number(what, value))
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise InvalidInputError(_not_a_number(what, value)) from None
    else:
        raise InvalidInputError(f"{what} must be a number, not {type(value).__name__}")
    if not result.is_finite():
        raise InvalidInputError(f"{what} '{value}' is not a finite number")
    return result


# A number as a program writes it: ASCII digits, a point as the decimal mark, an optional exponent. A comma
# is refused, never dropped: "0,92" is 0.92 to a German and 92 to a parser that drops it.
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$")


def _not_a_number(what: str, text: str) -> str:
    value = text.encode("unicode_escape").decode("ascii")[:40]  # one line, whatever was typed
    if "," in text:
        return (f"{what} '{value}' has a comma: write the decimal mark as a point and no thousands separator "
                f"(5.5, 0.92, 1500)")
    if "_" in text or any(c.isdigit() and not c.isascii() for c in text):
        return f"{what} '{value}' is not a plain number (digits 0-9 and a point only)"
    return f"{what} '{value}' is not a number"


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: 0.005 -> 0.01, 2.675 -> 2.68, -0.005 -> -0.01."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, rounded half-up to the cent."""
    return cents(amount * percent / HUNDRED)


def check_percent(value: Decimal | int | str, what: str, maximum: Decimal = HUNDRED) -> Decimal:
    pct = to_decimal(value, what)
    if pct < 0 or pct > maximum:
        raise InvalidInputError(f"{what} {pct}% is outside 0-{maximum}%")
    return pct

