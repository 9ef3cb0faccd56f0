"""Return on investment: owning the build against renting the same GPUs in the cloud (SIZING.md 5).

On-premises, cumulative after month m = hardware price (list, from core/pricing) + m x (power + support)
where power per month = wall watts x utilisation x hours per day x days per month / 1000 x $/kWh x PUE.
Cloud, cumulative after month m = m x GPUs x hours per day x days per month x $/GPU-hour.
The break-even month is the first month whose cumulative cloud cost exceeds the on-premises one.

Conventions (say them next to the chart):
- System watts are the draw at the wall at full load (rules/power: component ratings / PSU efficiency),
  times ``utilisation`` (the share of full load drawn while working); idle hours are not billed.
- A month is 365.25 / 12 = 30.4375 days. Every monthly charge is rounded half-up to the cent on its own
  and cumulative figures are exact sums of those cents (core/money.py).
- The cloud rate is the catalog's ``cloud_rates`` row for the build's GPU (or for the rented GPU with the
  same memory and bandwidth, e.g. the RTX PRO 6000 Max-Q rents as the Workstation Edition), unless given.
- Support bought with the build (services) is in the hardware price; ``support_per_month`` adds a
  running contract on top.

Money is Decimal throughout. This module imports only money/errors at import time so that
core/configuration can keep the assumptions on a Build without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from configurator.core.errors import ConfiguratorError, InvalidInputError
from configurator.core.money import ZERO, cents, to_decimal

if TYPE_CHECKING:
    from configurator.core.configuration import Build

DAYS_PER_MONTH = Decimal("365.25") / Decimal(12)
HORIZONS = (12, 24, 36)
MAX_MONTHS = 240  # absurd-number guard: 20 years


class RoiError(ConfiguratorError):
    pass


@dataclass(frozen=True)
class RoiAssumptions:
    """Every rate of the comparison; all editable and saved with the build (build file "roi")."""

    cloud_rate: Decimal | None = None  # USD per GPU-hour; None: the catalog's rate for the build's GPU
    hours_per_day: Decimal = Decimal("12")  # hours the GPUs work per day (on-prem and rented alike)
    kwh_price: Decimal = Decimal("0.15")  # USD per kWh (US commercial average 2024-2025, about 0.13-0.17)
    pue: Decimal = Decimal("1.4")  # power usage effectiveness: cooling and distribution on top of IT load
    utilisation: Decimal = Decimal("0.7")  # share of full-load power drawn while working
    support_per_month: Decimal = Decimal("0")  # running support contract, USD per month
    months: int = 36  # horizon of the chart and of the break-even search

    def __post_init__(self) -> None:
        check_assumptions(self)


# (field, lowest, highest or None, what) for the checks shared by the core, the CLI and the build file
LIMITS: dict[str, tuple[Decimal, Decimal | None, str]] = {
    "cloud_rate": (Decimal(0), Decimal(1000), "cloud rate (USD per GPU-hour)"),
    "hours_per_day": (Decimal(0), Decimal(24), "hours per day"),
    "kwh_price": (Decimal(0), Decimal(10), "electricity price (USD per kWh)"),
    "pue": (Decimal(1), Decimal(5), "PUE"),
    "utilisation": (Decimal(0), Decimal(1), "utilisation"),
    "support_per_month": (Decimal(0), Decimal(10_000_000), "support per month (USD)"),  # above: a typo
}
DECIMAL_FIELDS = tuple(LIMITS)


def check_value(name: str, value) -> Decimal:
    """``value`` as an exact Decimal inside the field's limits; InvalidInputError naming the field."""
    low, high, what = LIMITS[name]
    number = to_decimal(value if not isinstance(value, float) else repr(value), what)
    if number < low or (high is not None and number > high):
        span = f"{low} to {high}" if high is not None else f"at least {low}"
        raise InvalidInputError(f"{what} {number} is outside {span}")
    return number


def check_months(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
        raise InvalidInputError(f"months must be a whole number from 1 to {MAX_MONTHS}, not {value!r}")
    return value


def check_assumptions(a: RoiAssumptions) -> None:
    for name in DECIMAL_FIELDS:
        value = getattr(a, name)
        if value is None and name == "cloud_rate":
            continue
        checked = check_value(name, value)
        if checked != value or not isinstance(value, Decimal):
            object.__setattr__(a, name, checked)
    check_months(a.months)


def assumptions_with(a: RoiAssumptions, **changes) -> RoiAssumptions:
    """A copy with some fields changed (None values are ignored: "not given")."""
    return replace(a, **{k: v for k, v in changes.items() if v is not None})


def assumptions_to_dict(a: RoiAssumptions) -> dict:
    """Build-file form: decimals as strings (exact), months as a number."""
    out: dict = {}
    for f in fields(a):
        value = getattr(a, f.name)
        out[f.name] = value if f.name == "months" or value is None else str(value)
    return out


@dataclass(frozen=True)
class RoiResult:
    assumptions: RoiAssumptions
    currency: str
    gpus: int
    cloud_gpu_id: str  # the GPU whose cloud rate was used
    cloud_rate: Decimal  # USD per GPU-hour
    hardware: Decimal  # price of the build (list, with its services)
    wall_watts: Decimal  # all nodes, at full load
    power_per_month: Decimal
    support_per_month: Decimal
    cloud_per_month: Decimal
    months: int
    on_prem: tuple[Decimal, ...] = field(repr=False)  # cumulative, index 0 = month 0 (purchase)
    cloud: tuple[Decimal, ...] = field(repr=False)
    break_even_month: int | None = None  # first month cumulative cloud > on-prem, within ``months``
    break_even_hours_per_day: Decimal | None = None  # above this on-prem wins over ``months``; None: never
    cloud_gpu_name: str = ""  # the name people read for ``cloud_gpu_id`` ("H200 SXM", not "h200-sxm")

    def totals(self, horizon: int) -> tuple[Decimal, Decimal]:
        """(on-prem, cloud) cumulative after ``horizon`` months (any horizon, not only the charted ones)."""
        return on_prem_total(self, horizon), cloud_total(self, horizon)

    def as_dict(self) -> dict:
        """The `configurator roi --json` shape; money as decimal strings."""
        horizons = sorted({*HORIZONS, self.months})
        return {
            "break_even_month": self.break_even_month,
            "totals": {str(h): {"on_prem": str(self.totals(h)[0]), "cloud": str(self.totals(h)[1])}
                       for h in horizons},
            "break_even_hours_per_day": None if self.break_even_hours_per_day is None
            else str(self.break_even_hours_per_day),
            "currency": self.currency,
            "hardware": str(self.hardware),
            "power_per_month": str(self.power_per_month),
            "support_per_month": str(self.support_per_month),
            "cloud_per_month": str(self.cloud_per_month),
            "cloud_rate": str(self.cloud_rate),
            "cloud_gpu": self.cloud_gpu_id,
            "gpus": self.gpus,
            "wall_watts": str(self.wall_watts),
            "assumptions": assumptions_to_dict(self.assumptions),
        }


def on_prem_total(r: RoiResult, months: int) -> Decimal:
    return r.hardware + months * (r.power_per_month + r.support_per_month)


def cloud_total(r: RoiResult, months: int) -> Decimal:
    return months * r.cloud_per_month


def cloud_rate_for(catalog, gpu) -> tuple[str, Decimal]:
    """(GPU id rented, USD per GPU-hour): the GPU's own row, else the rented GPU with the same memory and
    bandwidth (same silicon and memory, another board: Max-Q vs Workstation Edition)."""
    row = catalog.cloud_rate(gpu.id)
    if row is not None:
        return gpu.id, Decimal(row.usd_per_gpu_hour)
    twins = [g for g in catalog.gpus() if g.id != gpu.id and g.memory_gb == gpu.memory_gb
             and g.bandwidth_tb_s == gpu.bandwidth_tb_s and g.vendor == gpu.vendor]
    rated = [(Decimal(row.usd_per_gpu_hour), twin.id) for twin in twins
             if (row := catalog.cloud_rate(twin.id)) is not None]
    if rated:  # the cheapest twin: the comparison never flatters owning
        rate, twin_id = min(rated)
        return twin_id, rate
    raise RoiError(f"the catalog has no cloud rate for '{gpu.id}': give one (--cloud-rate)")


def _break_even_hours(hardware: Decimal, support: Decimal, months: int, gpus: int, rate: Decimal,
                      wall_kw: Decimal, a: RoiAssumptions) -> Decimal | None:
    """Hours per day h above which cloud(months, h) > on-prem(months, h); both are linear in h (before the
    rounding to cents): G h D M r  >  P + M s + M h D W u k PUE."""
    per_hour_margin = gpus * rate - wall_kw * a.utilisation * a.kwh_price * a.pue  # USD per hour of use
    if per_hour_margin <= 0:
        return None
    hours = (hardware + months * support) / (months * DAYS_PER_MONTH * per_hour_margin)
    return None if hours > 24 else hours.quantize(Decimal("0.01"))


def roi(build: "Build", assumptions: RoiAssumptions | None = None, catalog=None, sheet=None) -> RoiResult:
    """The comparison for ``build`` under ``assumptions`` (default: the build's own). ``sheet`` is the
    build's PriceSheet when the caller already has it (the live analysis); else the build is priced here."""
    from configurator.core.pricing import price_build
    from configurator.core.rules.power import power_budget

    a = assumptions or build.roi
    catalog = catalog or build.catalog
    if not build.gpus:
        raise RoiError("the build has no GPU to compare with cloud GPU-hours")
    sheet = sheet if sheet is not None else price_build(build)
    counts = build.gpu_counts()
    gpu_id = counts.most_common(1)[0][0]
    gpu = next(p.gpu for p in build.gpus if p.gpu.id == gpu_id)
    if a.cloud_rate is not None:
        cloud_gpu, rate = gpu_id, a.cloud_rate
    else:
        cloud_gpu, rate = cloud_rate_for(catalog, gpu)
    gpus = build.total_gpus
    wall = Decimal(str(round(power_budget(build).wall_w, 1))) * build.nodes
    wall_kw = wall / 1000
    hours_month = a.hours_per_day * DAYS_PER_MONTH
    power = cents(wall_kw * a.utilisation * hours_month * a.kwh_price * a.pue)
    support = cents(a.support_per_month)
    cloud_month = cents(gpus * hours_month * rate)
    hardware = sheet.total
    months = a.months
    on_prem = tuple(hardware + m * (power + support) for m in range(months + 1))
    cloud = tuple(m * cloud_month for m in range(months + 1))
    even = next((m for m in range(1, months + 1) if cloud[m] > on_prem[m]), None)
    return RoiResult(
        assumptions=a, currency=sheet.currency, gpus=gpus, cloud_gpu_id=cloud_gpu, cloud_rate=rate,
        hardware=hardware, wall_watts=wall, power_per_month=power, support_per_month=support,
        cloud_per_month=cloud_month, months=months, on_prem=on_prem, cloud=cloud, break_even_month=even,
        break_even_hours_per_day=_break_even_hours(hardware, support, months, gpus, rate, wall_kw, a),
        cloud_gpu_name=_gpu_name(catalog, cloud_gpu, gpu),
    )


def _gpu_name(catalog, gpu_id: str, fallback) -> str:
    if gpu_id == fallback.id:
        return fallback.name
    try:
        return catalog.gpu(gpu_id).name
    except (ConfiguratorError, KeyError):
        return gpu_id


__all__ = ["RoiAssumptions", "RoiResult", "RoiError", "roi", "cloud_rate_for", "assumptions_with",
           "assumptions_to_dict", "check_value", "check_months", "HORIZONS", "DAYS_PER_MONTH", "ZERO"]
