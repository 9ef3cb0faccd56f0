"""Numbers as people type them in the window: read with the user's decimal mark and digit grouping.

The quote dialog passes the marks of the user's locale (QLocale's decimalPoint and groupSeparator): in
German "0,92" is 0.92 and "1.234,5" is 1234.5; in English "1,234.5" is 1234.5. Anything ambiguous is
refused with a message naming the field, never guessed: "0.92" typed in German is not a grouped number
(groups have three digits) and is refused, not read as 92. The command line takes plain numbers only
(core/money.to_decimal: a comma is an error there).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from configurator.core.errors import InvalidInputError

SPACES = "\u00a0\u202f\u2009 "  # no-break, narrow no-break, thin and plain space: group marks in fr, ru, ...


def parse_typed(text: str, what: str, decimal_point: str = ".", group: str = ",") -> Decimal:
    """``text`` as a Decimal, read with these marks; InvalidInputError naming ``what`` otherwise."""
    raw = text.strip()
    shown = raw.encode("unicode_escape").decode("ascii")[:30]  # one line in the message, whatever was typed
    if not raw:
        raise InvalidInputError(f"{what} is empty")
    groups = SPACES if group in SPACES else group
    d, g = re.escape(decimal_point), "[" + re.escape(groups) + "]"
    plain = rf"[0-9]+(?:{d}[0-9]*)?|{d}[0-9]+"
    grouped = rf"[0-9]{{1,3}}(?:{g}[0-9]{{3}})+(?:{d}[0-9]*)?"
    m = re.fullmatch(rf"([+-]?)({grouped}|{plain})", raw)
    if not m:
        example = f"1{group if group not in SPACES else ' '}234{decimal_point}50"
        hint = (f"the decimal mark here is '{decimal_point}'" if decimal_point not in raw and
                any(c in raw for c in ".,") else "digits, one decimal mark and groups of three only")
        raise InvalidInputError(f"{what} '{shown}' is not a number as written here ({hint}; e.g. {example})")
    body = m.group(2)
    for mark in groups:
        body = body.replace(mark, "")
    body = body.replace(decimal_point, ".")
    try:
        return Decimal(m.group(1) + body)
    except InvalidOperation:  # unreachable by the pattern; kept so a bad entry can never escape as a crash
        raise InvalidInputError(f"{what} '{shown}' is not a number") from None
