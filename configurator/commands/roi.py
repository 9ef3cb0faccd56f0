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
    from configurator.core.money import format_money
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
    cur = result.currency
    print(f"Hardware {format_money(result.hardware, cur)}; power {format_money(result.power_per_month, cur)}/month "
          f"({result.wall_watts} W at the wall); cloud {result.gpus} x {result.cloud_gpu_id} at "
          f"{result.cloud_rate}/GPU-hour = {format_money(result.cloud_per_month, cur)}/month")
    for h in sorted({*HORIZONS, result.months}):
        on_prem, cloud = result.totals(h)
        print(f"{h:>3} months: on-premises {format_money(on_prem, cur):>16}   cloud {format_money(cloud, cur):>16}")
    month = result.break_even_month
    print(f"Break-even: month {month}" if month else f"Break-even: not within {result.months} months")
    hours = result.break_even_hours_per_day
    print(f"On-premises wins over {result.months} months above {hours} hours a day" if hours is not None
          else f"On-premises does not win within {result.months} months at any hours per day")
    return 0
