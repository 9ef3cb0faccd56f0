"""`configurator bom BUILD.json -o OUT.csv [--edition internal|customer]`: the bill of materials of a saved
build, without a quote.

No customer is asked for and no quote number is drawn: the user database is not opened. The lines are
priced at list price (no discount, no tax; those are a quote's terms). ``--edition`` defaults to customer
(list prices only); ``internal`` adds unit cost, cost and margin and is refused on a customer installation
or with a catalog that has no costs. A build with error findings still gets its BOM (exit 0, a note on
stderr). Exit 2 with one line when the file cannot be read or the output cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from configurator.core.errors import ConfiguratorError


def register(sub) -> None:
    p = sub.add_parser("bom", help="write the bill of materials CSV of a build file (no quote)")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.csv", help="the BOM CSV to write")
    p.add_argument("--edition", choices=("internal", "customer"), default="customer",
                   help="customer: list prices only (default); internal: adds unit cost, cost and margin")
    p.set_defaults(func=run)


def write_build_bom(build, path: str | Path, edition: str = "customer"):
    """Price ``build`` at list price and write its BOM to ``path`` whole or not at all; the price sheet.
    Shared with the window's File > Export BOM."""
    from configurator.core.pricing import price_build
    from configurator.export.bom import write_bom

    sheet = price_build(build)
    write_bom(path, sheet, edition, build.name)
    return sheet


def run(args) -> int:
    from configurator.commands.build_sheet import check_output, load_checked
    from configurator.paths import edition as installed_edition
    from configurator.present import count, money_code

    if args.edition == "internal" and installed_edition() != "internal":
        raise ConfiguratorError("this is the customer edition: it cannot export internal documents")
    check_output(args.output, args.build)
    build, analysis, catalog = load_checked(args.build)
    try:
        if args.edition == "internal" and not catalog.has_costs:
            raise ConfiguratorError("this catalog has no dealer costs: the internal edition needs them")
        sheet = write_build_bom(build, args.output, args.edition)
    finally:
        catalog.close()
    print(f"{args.output} ({count(len(sheet.lines), 'line')}), total {money_code(sheet.total, sheet.currency)}")
    errors = sum(1 for f in analysis.findings if f.severity == "error")
    if errors:
        print(f"configurator bom: note: {count(errors, 'compatibility error')}: the build cannot be built as it "
              f"stands", file=sys.stderr)
    return 0
