"""ROI (SIZING.md 5): the formulas by hand, break-even against hours per day, the build-file round trip, the CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from configurator import cli
from configurator.core.buildfile import BuildFileError, dumps, from_dict, load, loads, to_dict
from configurator.core.errors import ConfiguratorError
from configurator.core.money import cents
from configurator.core.pricing import price_build
from configurator.core.roi import DAYS_PER_MONTH, RoiAssumptions, assumptions_with, roi
from configurator.core.rules.power import power_budget
from tests.unit.test_build_helpers import EXAMPLES


@pytest.fixture(scope="module")
def h200(catalog):
    return load(EXAMPLES / "hgx-8x-h200.json", catalog)


@pytest.fixture(scope="module")
def maxq(catalog):
    return load(EXAMPLES / "ws-2x-rtxpro6000-maxq.json", catalog)


def test_the_figures_follow_the_formulas(h200, catalog):
    a = RoiAssumptions(hours_per_day=Decimal("10"), kwh_price=Decimal("0.20"), pue=Decimal("1.5"),
                       utilisation=Decimal("0.8"), support_per_month=Decimal("250"))
    r = roi(h200, a)
    wall = Decimal(str(round(power_budget(h200).wall_w, 1)))
    hours = Decimal(10) * DAYS_PER_MONTH
    assert r.hardware == price_build(h200).total
    assert r.cloud_rate == Decimal("3.79") and r.cloud_gpu_id == "h200-sxm" and r.gpus == 8
    assert r.power_per_month == cents(wall / 1000 * Decimal("0.8") * hours * Decimal("0.20") * Decimal("1.5"))
    assert r.cloud_per_month == cents(8 * hours * Decimal("3.79"))
    for m in (0, 1, 12, 36):
        assert r.on_prem[m] == r.hardware + m * (r.power_per_month + Decimal(250))
        assert r.cloud[m] == m * r.cloud_per_month
    assert all(isinstance(x, Decimal) and x == cents(x) for x in (*r.on_prem, *r.cloud))
    m = r.break_even_month
    if m is not None:
        assert r.cloud[m] > r.on_prem[m] and r.cloud[m - 1] <= r.on_prem[m - 1]
    else:
        assert r.cloud[36] <= r.on_prem[36]


def test_break_even_at_round_the_clock_use_of_the_h200_server(h200):
    r = roi(h200, RoiAssumptions(hours_per_day=Decimal(24)))
    # 8 x 3.79 USD x 24 h x 30.4375 days = 22,148.76 a month against ~355k of hardware: month 17
    assert r.cloud_per_month == Decimal("22148.76")
    assert r.break_even_month == 17
    assert r.as_dict()["totals"]["36"]["cloud"] == str(36 * Decimal("22148.76"))


def test_hours_per_day_threshold_is_where_on_prem_starts_to_win(h200):
    base = RoiAssumptions()
    h = roi(h200, base).break_even_hours_per_day
    assert h is not None and 0 < h < 24
    above = roi(h200, assumptions_with(base, hours_per_day=h + Decimal("0.1")))
    below = roi(h200, assumptions_with(base, hours_per_day=h - Decimal("0.1")))
    assert above.cloud[36] > above.on_prem[36]
    assert below.cloud[36] <= below.on_prem[36]
    assert roi(h200, assumptions_with(base, cloud_rate=Decimal("0.01"))).break_even_hours_per_day is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.decimals(min_value=0, max_value=24, places=1), high=st.decimals(min_value=0, max_value=24, places=1),
       rate=st.decimals(min_value=Decimal("0.5"), max_value=10, places=2))
def test_break_even_comes_no_later_as_hours_per_day_rise(maxq, low, high, rate):
    low, high = sorted((low, high))
    never = 10**9
    a = RoiAssumptions(cloud_rate=rate, months=120)
    early = roi(maxq, assumptions_with(a, hours_per_day=high)).break_even_month or never
    late = roi(maxq, assumptions_with(a, hours_per_day=low)).break_even_month or never
    assert early <= late


def test_break_even_strictly_earlier_across_a_wide_step(maxq):
    months = [roi(maxq, RoiAssumptions(hours_per_day=Decimal(h), months=120)).break_even_month for h in (6, 12, 24)]
    assert None not in months and months[0] > months[1] > months[2]


def test_cloud_rate_of_a_twin_and_a_given_rate(maxq, catalog):
    r = roi(maxq)
    # the Max-Q card is not rented as such: the cheapest GPU with its memory and bandwidth is
    assert r.cloud_gpu_id == "rtx-pro-6000-we" and r.cloud_rate == catalog.cloud_rate("rtx-pro-6000-we").usd_per_gpu_hour
    assert roi(maxq, RoiAssumptions(cloud_rate="2.50")).cloud_rate == Decimal("2.50")


@pytest.mark.parametrize("field, value", [("hours_per_day", "25"), ("pue", "0.9"), ("utilisation", "1.5"),
                                          ("kwh_price", "-1"), ("cloud_rate", "abc"), ("months", 0)])
def test_absurd_assumptions_are_refused(field, value):
    with pytest.raises(ConfiguratorError):
        RoiAssumptions(**{field: value})


def test_roi_round_trips_through_the_build_file_and_emits_an_event(maxq, catalog):
    build = from_dict(to_dict(maxq), catalog)
    seen = []
    build.subscribe(seen.append)
    a = RoiAssumptions(cloud_rate=Decimal("2.25"), hours_per_day=Decimal("9.5"), kwh_price=Decimal("0.31"),
                       pue=Decimal("1.2"), utilisation=Decimal("0.65"), support_per_month=Decimal("99.90"), months=48)
    build.set_roi(a)
    assert [(e.section, e.action) for e in seen] == [("roi", "set")]
    data = json.loads(dumps(build))
    assert data["roi"]["kwh_price"] == "0.31" and data["roi"]["months"] == 48
    again = loads(dumps(build), catalog)
    assert again.roi == a
    assert roi(again).as_dict() == roi(build).as_dict()
    copy = from_dict(to_dict(maxq), catalog)
    copy.assign(build)
    assert copy.roi == a


def test_files_without_roi_load_with_the_defaults_and_defaults_are_not_written(maxq, catalog):
    data = json.loads((EXAMPLES / "ws-2x-rtxpro6000-maxq.json").read_text())
    assert "roi" not in data
    assert from_dict(data, catalog).roi == RoiAssumptions()
    assert "roi" not in to_dict(maxq)
    partial = {**data, "roi": {"hours_per_day": 20, "kwh_price": 0.12}}
    b = from_dict(partial, catalog)
    assert b.roi.hours_per_day == Decimal(20) and b.roi.kwh_price == Decimal("0.12") and b.roi.pue == Decimal("1.4")


def test_bad_roi_in_a_file_names_each_problem_by_json_path(catalog):
    data = json.loads((EXAMPLES / "ws-2x-rtxpro6000-maxq.json").read_text())
    data["roi"] = {"pue": "0.5", "months": -3, "hours_per_day": "lots", "colour": 1, "kwh_price": True}
    with pytest.raises(BuildFileError) as exc:
        from_dict(data, catalog)
    problems = exc.value.problems
    for path in ("$.roi.pue", "$.roi.months", "$.roi.hours_per_day", "$.roi.colour", "$.roi.kwh_price"):
        assert any(p.startswith(path + ":") for p in problems), (path, problems)
    data["roi"] = [1]
    with pytest.raises(BuildFileError, match=r"\$\.roi: a list is not an object"):
        from_dict(data, catalog)


@pytest.fixture
def run_roi(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))

    def run(*argv):
        rc = cli.run(["roi", *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def test_cli_json_contract_and_options(run_roi, h200):
    path = str(EXAMPLES / "hgx-8x-h200.json")
    rc, out, _ = run_roi(path, "--hours-per-day", "24", "--json")
    assert rc == 0
    data = json.loads(out)
    assert data["break_even_month"] == 17
    assert set(data["totals"]) == {"12", "24", "36"}
    expected = roi(h200, RoiAssumptions(hours_per_day=Decimal(24)))
    for h in ("12", "24", "36"):
        assert data["totals"][h] == {"on_prem": str(expected.totals(int(h))[0]), "cloud": str(expected.totals(int(h))[1])}
    rc, out, _ = run_roi(path, "--hours-per-day", "24", "--cloud-rate", "1.00", "--kwh-price", "0.10",
                         "--months", "60", "--json")
    data = json.loads(out)
    assert rc == 0 and set(data["totals"]) == {"12", "24", "36", "60"} and data["cloud_rate"] == "1.00"
    assert data["break_even_month"] is None or data["break_even_month"] <= 60


@pytest.mark.parametrize("args, words", [(["--hours-per-day", "30"], "hours per day"), (["--months", "0"], "months"),
                                         (["--cloud-rate", "x"], "cloud rate")])
def test_cli_bad_numbers_exit_2_with_one_line(run_roi, args, words):
    rc, _, err = run_roi(str(EXAMPLES / "hgx-8x-h200.json"), *args)
    assert rc == 2 and err.count("\n") == 1 and words in err


def test_cli_uses_the_assumptions_saved_in_the_file(run_roi, maxq, tmp_path):
    from configurator.core.buildfile import save

    maxq_copy = maxq
    saved = RoiAssumptions(hours_per_day=Decimal(24), cloud_rate=Decimal("3.00"))
    path = tmp_path / "b.json"
    build = loads(dumps(maxq_copy), maxq_copy.catalog)
    build.set_roi(saved)
    save(build, path)
    rc, out, _ = run_roi(str(path), "--json")
    assert rc == 0 and json.loads(out)["cloud_rate"] == "3.00"
    assert json.loads(out)["break_even_month"] == roi(build).break_even_month
