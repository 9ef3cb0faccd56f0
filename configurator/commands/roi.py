"""`configurator roi BUILD.json`: owning the build against renting its GPUs in the cloud (SIZING.md 5).

    configurator roi BUILD.json [--cloud-rate USD_PER_GPU_HOUR] [--hours-per-day H] [--kwh-price USD]
                     [--pue X] [--utilisation X] [--support-per-month USD] [--months N] [--json]

Options override the assumptions saved in the build file ("roi"), which override the defaults.
--json prints {"break_even_month": int or null, "totals": {"12": {"on_prem", "cloud"}, "24": ..., "36": ...},
"break_even_hours_per_day", ...}; money as decimal strings. Exit 2 for an unreadable file or a bad number.
"""

from __future__ import annotations

import json
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("roi", help="cumulative cost on-premises against cloud GPU-hours, break-even month")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("--cloud-rate", metavar="USD_PER_GPU_HOUR", help="default: the catalog's rate for the GPU")
    p.add_argument("--hours-per-day", metavar="H", help="hours the GPUs work per day (default 12)")
    p.add_argument("--kwh-price", metavar="USD", help="electricity per kWh (default 0.15)")
    p.add_argument("--pue", metavar="X", help="power usage effectiveness (default 1.4)")
    p.add_argument("--utilisation", metavar="X", help="share of full-load power drawn while working (default 0.7)")
    p.add_argument("--support-per-month", metavar="USD", help="running support contract (default 0)")
    p.add_argument("--months", type=int, metavar="N", help="horizon for the break-even month (default 36)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from configurator.catalog import open_catalog
    from configurator.core.buildfile import load
    from configurator import present
    from configurator.core.roi import HORIZONS, assumptions_with, check_months, check_value, roi

    changes = {}
    for name in ("cloud_rate", "hours_per_day", "kwh_price", "pue", "utilisation", "support_per_month"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = check_value(name, value)
    if args.months is not None:
        changes["months"] = check_months(args.months)
    catalog = open_catalog()
    try:
        build = load(args.build, catalog)
        result = roi(build, assumptions_with(build.roi, **changes), catalog)
    finally:
        catalog.close()
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    print(present.roi_costs(result))
    print(present.roi_rate(result))
    for line in present.roi_horizons(result, HORIZONS):
        print(line)
    print(present.roi_break_even(result))
    print(present.roi_hours(result))
    return 0
