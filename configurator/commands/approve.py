"""`configurator approve --key FILE --quote NUMBER --discount PCT --total AMOUNT [--expires YYYY-MM-DD]`.

Prints an approval token: the approver's Ed25519 signature over the quote number (without the revision
letter), the discount, the total after discount as printed on the quote (``total USD 22,173.75``: the
amount may be given with its currency code and thousands separators exactly as printed) and an expiry
date (default: 14 days from today). The sales engineer issues the next revision with
``configurator quote ... --revise NUMBER-R --approval-code TOKEN``; the token approves that number,
discount and total only.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from configurator.core.errors import ConfiguratorError

DEFAULT_VALID_DAYS = 14
# "USD 22,173.75", "22,173.75 USD", "22173.75": groups of exactly three digits after a comma, a point decimal
_AMOUNT = re.compile(r"^(?:([A-Za-z]{3})\s*)?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?(?:\s*([A-Za-z]{3}))?$")


def register(sub) -> None:
    p = sub.add_parser("approve", help="sign an approval for a quote's number, discount and total (approvers)")
    p.add_argument("--key", type=Path, required=True, metavar="FILE", help="the approver's private key file")
    p.add_argument("--quote", required=True, metavar="NUMBER", help="the quote number, e.g. Q-7KQ3H9XM2A-00042")
    p.add_argument("--discount", required=True, metavar="PCT", help="the discount approved, in percent")
    p.add_argument("--total", required=True, metavar="AMOUNT",
                   help="the quote's total after discount as printed (e.g. 'USD 22,173.75' or 22173.75)")
    p.add_argument("--expires", metavar="YYYY-MM-DD", help=f"last day the approval holds (default: in "
                                                            f"{DEFAULT_VALID_DAYS} days)")
    p.set_defaults(func=run)


def parse_total(text: str) -> tuple[Decimal, str]:
    """(amount, currency code or '') from a total as printed; a comma is only a group of three digits."""
    m = _AMOUNT.match(text.strip())
    if not m or (m.group(1) and m.group(4)):
        raise ConfiguratorError(f"--total '{text}' is not an amount as printed on a quote (e.g. 'USD 22,173.75' "
                                f"or 22173.75)")
    currency = (m.group(1) or m.group(4) or "").upper()
    return Decimal(m.group(2).replace(",", "") + (m.group(3) or "")), currency


def run(args) -> int:
    from configurator.commands.approver import read_private_key
    from configurator.core.money import check_percent
    from configurator.core.quotes.approvals import sign_approval
    from configurator.core.quotes.model import format_number, parse_label

    prefix, sequence, _revision = parse_label(args.quote)  # a revision letter, if given, is not part of it
    number = format_number(prefix, sequence)
    discount = check_percent(args.discount, "--discount")
    total, currency = parse_total(args.total)
    today = date.today()
    if args.expires:
        try:
            expires = date.fromisoformat(args.expires)
        except ValueError:
            raise ConfiguratorError(f"--expires '{args.expires}' is not a date YYYY-MM-DD") from None
    else:
        expires = today + timedelta(days=DEFAULT_VALID_DAYS)
    key = read_private_key(args.key)
    print(sign_approval(key, number, discount, total, expires, currency, today))
    return 0
