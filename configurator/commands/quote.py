"""`configurator quote BUILD.json -o OUT.pdf [...]`: issue a quote for a saved build and export it.

A new quote number (Q-<installation prefix>-<sequence>, revision A) is drawn from the user database,
or ``--revise Q-XXXX-00042`` makes the next revision of an existing quote. Exit 2 with one line when
the file is invalid, an option is out of range, or the build has error findings; then nothing is
written and no number is used up. ``--edition`` defaults to customer (list prices only): a quote is a
customer document; ``internal`` adds dealer cost and margin and is refused on a customer installation.

Discounts and exchange rates: the role and the limits are the installation's protected policy (never an
option). Above them the quote is issued "pending approval"; an approver signs its number, discount and
total (`configurator approve`), and the next revision with ``--approval-code TOKEN`` is approved. A code
that does not verify is refused (exit 2, nothing written). The customer edition gives no discount and
sets no exchange rate. Numbers are plain: a comma is an error, never a thousands separator.
"""

from __future__ import annotations

from pathlib import Path

from configurator.core.errors import ConfiguratorError
from configurator.core.quotes.model import DEFAULT_VALID_DAYS, PAYMENT_TERMS


def register(sub) -> None:
    p = sub.add_parser("quote", help="issue a quote for a build file: quote PDF, build sheet, BOM CSV")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf", help="the quote PDF to write")
    p.add_argument("--customer-name", default="", metavar="NAME")
    p.add_argument("--company", default="", help="customer company")
    p.add_argument("--email", default="", help="customer email")
    p.add_argument("--edition", choices=("internal", "customer"), default="customer",
                   help="customer: list prices only (default); internal: adds dealer cost and margin")
    p.add_argument("--discount", default=None, metavar="PCT", help="discount in percent on every line (internal)")
    p.add_argument("--approval-code", default="", metavar="TOKEN",
                   help="an approver's token for this quote's number, discount and total (configurator approve)")
    p.add_argument("--tax", default="0", metavar="PCT", help="tax rate in percent on the net total")
    p.add_argument("--currency", default="", metavar="CODE", help="quote currency (default: the catalog's)")
    p.add_argument("--rate", default=None, metavar="RATE",
                   help="exchange rate catalog currency -> quote currency (default: the stored rate; internal)")
    p.add_argument("--payment-terms", choices=tuple(PAYMENT_TERMS), default="net30")
    p.add_argument("--valid-days", type=int, default=DEFAULT_VALID_DAYS, metavar="DAYS")
    p.add_argument("--revise", default="", metavar="Q-XXXX-NNNNN", help="make the next revision of this quote")
    p.add_argument("--build-sheet", type=Path, metavar="OUT2.pdf", help="also write the technician's build sheet")
    p.add_argument("--bom", type=Path, metavar="OUT.csv", help="also write the bill of materials")
    p.set_defaults(func=run)


def _check_outputs(*paths: Path | None) -> None:
    for path in paths:
        if path is None:
            continue
        if path.is_dir():
            raise ConfiguratorError(f"{path} is a directory, not a file name")
        if not path.resolve().parent.is_dir():
            raise ConfiguratorError(f"the folder of {path} does not exist")


def _customer_edition_options(args, catalog_currency: str | None) -> None:
    """The customer edition gives no discount and sets no exchange rate, whatever is typed."""
    from configurator.core.money import to_decimal

    if args.discount is not None and to_decimal(args.discount, "discount") != 0:
        raise ConfiguratorError("this is the customer edition: it gives no discount (--discount)")
    if args.approval_code:
        raise ConfiguratorError("this is the customer edition: it takes no approval code")
    if args.rate is not None:
        raise ConfiguratorError("this is the customer edition: it sets no exchange rate (--rate)")
    if args.currency and catalog_currency and args.currency.strip().upper() != catalog_currency:
        raise ConfiguratorError(f"this is the customer edition: quotes are in the catalog currency "
                                f"({catalog_currency}), not {args.currency}")


def run(args) -> int:
    from configurator.catalog import open_catalog
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import dumps, load
    from configurator.present import count, money_code
    from configurator.core.quotes import Customer, check_issuable, default_service_lines
    from configurator.export.branding import load_branding
    from configurator.export.issue import base_currency, issue_and_export
    from configurator.paths import edition as installed_edition
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase, user_database_path

    customer_installation = installed_edition() != "internal"
    if args.edition == "internal" and customer_installation:
        raise ConfiguratorError("this is the customer edition: it cannot export internal documents")
    _check_outputs(args.output, args.build_sheet, args.bom)
    catalog = open_catalog()
    userdb = None
    try:
        if args.edition == "internal" and not catalog.has_costs:
            raise ConfiguratorError("this catalog has no dealer costs: the internal edition needs them")
        build = load(args.build, catalog)
        analysis = analyze(build, catalog)
        check_issuable(analysis.findings)  # before a number is drawn or a file written
        base = base_currency(build)
        if customer_installation:
            _customer_edition_options(args, base)
        branding = load_branding()
        userdb = UserDatabase(user_database_path())
        store = QuoteStore(userdb.db)
        warranty, support = default_service_lines(build)
        currency = (args.currency.strip().upper() if args.currency else None) or base or "USD"
        rate = args.rate
        if rate is None:  # the stored rate for the pair (1 for the catalog currency itself)
            stored = store.discount_policy().stored_rate(base or currency, currency)
            rate = str(stored) if stored is not None else "1"
        terms = dict(payment_terms=args.payment_terms, discount_percent=args.discount or "0",
                     approval_code=args.approval_code, tax_percent=args.tax, exchange_rate=rate, currency=currency,
                     warranty=warranty, support=support, build_json=dumps(build), build_name=build.name,
                     valid_days=args.valid_days)
        if not args.revise:
            terms["customer"] = Customer(args.customer_name.strip() or "Prospective customer",
                                         company=args.company, email=args.email)
        done = issue_and_export(store, None, build, analysis, branding, args.edition, args.output,
                                args.build_sheet, args.bom, revise=args.revise, create=terms)
    finally:
        catalog.close()
        if userdb is not None:
            userdb.close()
    note = " (discount pending approval)" if done.approval.pending else ""
    print(f"{done.quote.label}: {args.output} ({count(done.pages, 'page')}), total "
          f"{money_code(done.sheet.total, done.sheet.currency)}{note}")
    if done.approval.pending:
        print(f"  needs approval: {done.approval.reason}. An approver signs it with: configurator approve --key "
              f"FILE --quote {done.quote.number} --discount {done.approval.discount} --total "
              f"{done.sheet.total}; then issue --revise {done.quote.label} --approval-code TOKEN")
    return 0
