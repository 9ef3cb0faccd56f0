"""Pricing: line items from a build, discounts, tax, cost and margin only with cost data."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.core.buildfile import load
from configurator.core.errors import ConfiguratorError, InvalidInputError
from configurator.core.pricing import price_build
from tests.unit.test_build_helpers import CLUSTER, EXAMPLES, SXM_SERVER, WORKSTATION, make

percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def _money_values(sheet):
    for line in sheet.lines:
        yield from (line.unit_price, line.gross, line.discount, line.total)
        if line.cost is not None:
            yield from (line.unit_cost, line.cost, line.margin)
    yield from (sheet.subtotal, sheet.discount, sheet.net, sheet.tax, sheet.total)


def test_lines_follow_the_build(catalog):
    sheet = price_build(make(catalog, WORKSTATION))
    by_id = {l.id: l for l in sheet.lines}
    gpu = by_id["rtx-pro-6000-maxq"]
    assert gpu.quantity == 2 and gpu.total == gpu.unit_price * 2
    assert gpu.unit_price == catalog.price("rtx-pro-6000-maxq").list_price
    assert by_id["ram-ddr5-rdimm-64gb"].quantity == 8
    assert [l.kind for l in sheet.lines][:3] == ["chassis", "platforms", "gpus"]
    assert sheet.currency == "USD" and sheet.total == sheet.subtotal


def test_cluster_multiplies_by_nodes_and_services_follow_their_per(catalog):
    data = {**CLUSTER, "services": CLUSTER["services"] + [{"id": "svc-rack-integration"}]}
    by_id = {l.id: l for l in price_build(make(catalog, data)).lines}
    assert by_id["b200-sxm"].quantity == 32  # SXM GPUs are sold per GPU
    assert by_id["chassis-hgx-b200-8gpu"].quantity == 4
    assert by_id["ram-ddr5-rdimm-128gb"].quantity == 96
    assert by_id["svc-burnin-48h"].quantity == 4  # per system: each node is a system
    assert by_id["svc-rack-integration"].quantity == 4


def test_discount_tax_and_their_rounding(catalog):
    build = make(catalog, WORKSTATION)
    sheet = price_build(build, discount_percent="10", line_discounts={"chassis-tower-ws": "0"}, tax_percent="8.25")
    chassis = next(l for l in sheet.lines if l.id == "chassis-tower-ws")
    assert chassis.discount == 0
    gpu = next(l for l in sheet.lines if l.id == "rtx-pro-6000-maxq")
    assert gpu.discount == (gpu.gross / 10).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
    assert sheet.tax == (sheet.net * Decimal("0.0825")).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
    assert sheet.total == sheet.subtotal - sheet.discount + sheet.tax
    for bad in ({"discount_percent": "101"}, {"tax_percent": "-1"}, {"discount_percent": 5.0}):
        with pytest.raises((InvalidInputError, TypeError)):
            price_build(build, **bad)


def test_exchange_rate_converts_unit_prices(catalog):
    build = make(catalog, WORKSTATION)
    usd = price_build(build)
    eur = price_build(build, currency="EUR", rate="0.9137")
    assert eur.currency == "EUR"
    for a, b in zip(usd.lines, eur.lines):
        assert b.unit_price == (a.unit_price * Decimal("0.9137")).quantize(Decimal("0.01"), decimal.ROUND_HALF_UP)
    with pytest.raises(ConfiguratorError):
        price_build(build, rate="0")


def test_cost_and_margin_only_with_cost_data(catalog):
    build = make(catalog, SXM_SERVER)
    sheet = price_build(build)
    assert catalog.has_costs and sheet.cost is not None and sheet.margin == sheet.net - sheet.cost

    class NoCosts:
        has_costs = False

        def __getattr__(self, name):
            return getattr(catalog, name)

    customer = price_build(make(NoCosts(), SXM_SERVER))
    assert customer.cost is None and customer.margin is None
    assert all(l.cost is None and l.margin is None for l in customer.lines)
    assert customer.total == sheet.total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quote=percent, lines=st.dictionaries(st.sampled_from(["b200-sxm", "chassis-hgx-b200-8gpu", "psu-crps-3300w",
                                                            "svc-burnin-48h"]), percent), tax=percent)
def test_money_properties(catalog, quote, lines, tax):
    build = make(catalog, CLUSTER)
    with decimal.localcontext() as ctx:
        ctx.traps[decimal.FloatOperation] = True  # any float mixed into Decimal arithmetic raises
        sheet = price_build(build, discount_percent=quote, line_discounts=lines, tax_percent=tax)
        assert sheet.net == sum((l.total for l in sheet.lines), Decimal(0))
        assert sheet.subtotal == sum((l.gross for l in sheet.lines), Decimal(0))
        assert sheet.total == sheet.net + sheet.tax
    for line in sheet.lines:
        assert line.total >= 0 and line.discount >= 0 and line.total == line.gross - line.discount
    assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in _money_values(sheet))


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_prices_without_float(catalog, example):
    with decimal.localcontext() as ctx:
        ctx.traps[decimal.FloatOperation] = True
        sheet = price_build(load(EXAMPLES / example, catalog), discount_percent="7.5", tax_percent="19")
    data = sheet.as_dict()
    assert set(data) == {"currency", "lines", "subtotal", "discount", "tax", "total"}
    assert all(set(l) == {"id", "name", "quantity", "unit_price", "total"} for l in data["lines"])
    for key in ("subtotal", "discount", "tax", "total"):
        assert isinstance(data[key], str) and Decimal(data[key]) == getattr(sheet, key)
    assert not any(isinstance(v, float) for v in _money_values(sheet))
