"""Line items and totals of a build, from the catalog's list prices (and dealer cost when it has them).

Quantities: parts per node times nodes; SXM GPUs are sold per GPU; services by their ``per``:
``system`` and ``node`` once per machine shipped (each node of a cluster is a system), ``gpu`` once
per GPU. A discount is a percent per line, or for the whole quote (lines without their own take the
quote's). Rounding: see core/money.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Mapping

from configurator.core.errors import ConfiguratorError
from configurator.core.money import ZERO, cents, check_percent, percent_of, to_decimal

if TYPE_CHECKING:
    from configurator.core.configuration import Build


class PricingError(ConfiguratorError):
    pass


@dataclass(frozen=True)
class LineItem:
    id: str
    name: str
    kind: str  # catalog kind: 'chassis', 'platforms', 'gpus', 'psus', ..., 'services'
    quantity: int  # for the whole build (all nodes)
    unit_price: Decimal
    discount_percent: Decimal
    gross: Decimal  # unit_price x quantity, rounded
    discount: Decimal  # rounded
    total: Decimal  # gross - discount
    unit_cost: Decimal | None = None  # only with a catalog that has dealer costs
    cost: Decimal | None = None
    vendor: str = ""  # who makes the part, and its manufacturer part number ("" where none is public)
    mfr_part_number: str = ""

    @property
    def margin(self) -> Decimal | None:
        return None if self.cost is None else self.total - self.cost


@dataclass(frozen=True)
class PriceSheet:
    currency: str
    lines: tuple[LineItem, ...]
    tax_percent: Decimal
    has_costs: bool

    @property
    def subtotal(self) -> Decimal:
        return sum((l.gross for l in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((l.discount for l in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((l.total for l in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        return percent_of(self.net, self.tax_percent)

    @property
    def total(self) -> Decimal:
        return self.net + self.tax

    @property
    def cost(self) -> Decimal | None:
        if not self.has_costs or any(l.cost is None for l in self.lines):
            return None
        return sum((l.cost for l in self.lines), ZERO)  # type: ignore[misc]

    @property
    def margin(self) -> Decimal | None:
        cost = self.cost
        return None if cost is None else self.net - cost

    def as_dict(self) -> dict:
        """The `configurator price --json` shape; money as decimal strings."""
        return {
            "currency": self.currency,
            "lines": [{"id": l.id, "name": l.name, "quantity": l.quantity, "unit_price": str(l.unit_price),
                       "total": str(l.total)} for l in self.lines],
            "subtotal": str(self.subtotal),
            "discount": str(self.discount),
            "tax": str(self.tax),
            "total": str(self.total),
        }


def build_quantities(build: "Build") -> list[tuple[str, object, int]]:
    """(catalog kind, part, quantity for the whole build) in build-sheet order."""
    n = build.nodes
    rows: list[tuple[str, object, int]] = []
    if build.chassis is not None:
        rows.append(("chassis", build.chassis, n))
    if build.platform is not None:
        rows.append(("platforms", build.platform, n))
    gpus = {p.gpu.id: p.gpu for p in build.gpus}
    rows += [("gpus", gpus[gid], count * n) for gid, count in build.gpu_counts().items()]
    for section in ("psus", "memory", "storage", "network", "bridges"):
        rows += [(section, i.part, i.quantity * n) for i in build.items(section)]
    for item in build.services:
        units = build.total_gpus if item.part.per == "gpu" else n
        rows.append(("services", item.part, item.quantity * units))
    return rows


def price_build(
    build: "Build",
    discount_percent: Decimal | int | str = 0,
    line_discounts: Mapping[str, Decimal | int | str] | None = None,
    tax_percent: Decimal | int | str = 0,
    currency: str | None = None,
    rate: Decimal | int | str = 1,
) -> PriceSheet:
    """Price every line of ``build``. ``rate`` converts catalog prices into ``currency`` (unit prices
    are converted, then rounded to the cent, before they are multiplied by the quantity)."""
    quote_pct = check_percent(discount_percent, "discount")
    per_line = {pid: check_percent(p, f"discount on {pid}") for pid, p in (line_discounts or {}).items()}
    tax = check_percent(tax_percent, "tax rate")
    factor = to_decimal(rate, "exchange rate")
    if factor <= 0:
        raise PricingError(f"exchange rate {factor} must be positive")
    has_costs = bool(getattr(build.catalog, "has_costs", False))
    lines: list[LineItem] = []
    catalog_currency: str | None = None
    for kind, part, quantity in build_quantities(build):
        info = build.catalog.price(part.id)  # type: ignore[attr-defined]
        if info is None:
            raise PricingError(f"the catalog has no list price for '{part.id}'")  # type: ignore[attr-defined]
        if catalog_currency is None:
            catalog_currency = info.currency
        elif info.currency != catalog_currency:
            raise PricingError(f"'{info.part_id}' is priced in {info.currency}, the rest in {catalog_currency}")
        unit = cents(to_decimal(info.list_price, "list price") * factor)
        pct = per_line.get(part.id, quote_pct)  # type: ignore[attr-defined]
        gross = cents(unit * quantity)
        discount = percent_of(gross, pct)
        unit_cost = cost = None
        if has_costs and info.cost is not None:
            unit_cost = cents(to_decimal(info.cost, "cost") * factor)
            cost = cents(unit_cost * quantity)
        lines.append(LineItem(part.id, part.name, kind, quantity, unit, pct, gross, discount,  # type: ignore[attr-defined]
                              gross - discount, unit_cost, cost, getattr(part, "vendor", ""),
                              getattr(part, "mfr_part_number", "")))
    return PriceSheet(currency or catalog_currency or "USD", tuple(lines), tax, has_costs)
