"""PSU_HEADROOM warns only where the catalog has the fix, and names it; WALL_CIRCUIT names a circuit that is larger.

The builds are the rule-respecting bases of test_build_helpers with one thing changed; the expected fixes are
worked out by hand from db/psus.csv, db/chassis.csv and db/circuits.csv (the figures are in the comments).
"""

from __future__ import annotations

import pytest

from configurator.core.buildfile import load
from configurator.core.recommend import Request, recommend
from configurator.core.rules import check
from configurator.core.rules.power import power_budget
from tests.unit.test_build_helpers import EXAMPLES, SXM_SERVER, WORKSTATION, make

VALID = ["ws-2x-rtxpro6000-maxq.json", "hgx-8x-h200.json", "hgx-8x-b200.json", "cluster-4x8-h100.json"]


def _one(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.severity, f.code, f.message) for f in findings]
    return found[0]


def test_a_tower_with_a_small_psu_is_told_the_larger_one_it_takes(catalog):
    # 2 x Max-Q (300 W) + TR PRO 9975WX (350 W) + base loads: about 1,100 W; x1.3 > 1,300 W, < 1,600 W
    build = make(catalog, WORKSTATION, psus=[{"id": "psu-atx-1300w", "quantity": 1}])
    f = _one(check(build), "PSU_HEADROOM")
    assert f.severity == "warning"
    assert "use 1 x ATX 3.1 1600 W" in f.message and "psu-atx-1600w" in f.parts
    assert "Consider larger PSUs" not in f.message


def test_a_free_bay_is_offered_when_no_larger_unit_is_enough(catalog):
    # 4 x Max-Q: about 1,700 W load, 2,200 W with the headroom: no single ATX unit (1,600 W max) carries
    # it; the tower's second bay does (2 x 1,300 W = 2,600 W).
    gpus = [{"id": "rtx-pro-6000-maxq", "slot": s} for s in (1, 3, 5, 7)]
    build = make(catalog, WORKSTATION, gpus=gpus, psus=[{"id": "psu-atx-1300w", "quantity": 1}])
    b = power_budget(build)
    assert 1600 < b.load_w < 1.3 * b.load_w < 2600
    f = _one(check(build), "PSU_HEADROOM")
    assert f.severity == "error"  # 1,300 W cannot even carry the load
    assert "add 1 more ATX 3.1 1300 W" in f.message and "free bay" in f.message


def test_no_warning_where_every_bay_holds_the_largest_unit(catalog):
    # HGX H100/H200 8-GPU: 6 bays, N+N (3 units per feed), units up to 3,000 W, 6 x 3,000 W fitted.
    build = load(EXAMPLES / "hgx-8x-h200.json", catalog)
    assert build.count("psus") == build.chassis.psu_bays
    f = _one(check(build), "PSU_HEADROOM")
    assert f.severity == "info" and "largest unit" in f.message and "Consider" not in f.message


def test_the_same_server_with_free_bays_is_told_to_fill_them(catalog):
    # The same chassis with 4 x 3,000 W: 6,000 W with one feed lost for about 8,700 W: an error; filling
    # the two free bays (one more per feed) gives 9,000 W, which carries the load.
    data = {"chassis": "chassis-hgx-h100-8gpu", "gpus": [{"id": "h200-sxm", "quantity": 8}],
            "psus": [{"id": "psu-crps-3000w", "quantity": 4}]}
    f = _one(check(make(catalog, SXM_SERVER, **data)), "PSU_HEADROOM")
    assert f.severity == "error" and "add 2 more CRPS 3000 W" in f.message and "free bays" in f.message


def test_n_plus_n_grows_in_pairs(catalog):
    # 2 x 3,000 W on the HGX H100 board: N+N usable 3,000 W. One more unit would make the feeds uneven,
    # so the advice never says "add 1 more".
    data = {"chassis": "chassis-hgx-h100-8gpu", "gpus": [{"id": "h200-sxm", "quantity": 8}],
            "psus": [{"id": "psu-crps-3000w", "quantity": 2}]}
    f = _one(check(make(catalog, SXM_SERVER, **data)), "PSU_HEADROOM")
    assert "add 1 more" not in f.message and "add 4 more" in f.message


@pytest.mark.parametrize("name", VALID)
def test_valid_examples_carry_no_warning_without_a_fix(catalog, name):
    findings = check(load(EXAMPLES / name, catalog))
    assert not [f for f in findings if f.severity == "warning"], [(f.code, f.message) for f in findings]


def test_the_wizards_own_picks_carry_no_psu_warning(catalog):
    for req in (Request(mode="infer", model_id="llama-3.1-70b", users=50),
                Request(mode="pretrain", model_id="llama-3.1-8b", tokens=1e10),
                Request(mode="infer", model_id="llama-3.1-70b", users=1)):
        proposals = recommend(req, catalog).proposals
        assert proposals
        for p in proposals:
            psu = [f for f in check(p.build) if f.code == "PSU_HEADROOM" and f.severity != "info"]
            assert not psu, (p.build.name, [f.message for f in psu])


def _wall(catalog, circuit, gpus=8):
    data = {"chassis": "chassis-hgx-h100-8gpu", "gpus": [{"id": "h200-sxm", "quantity": gpus}],
            "psus": [{"id": "psu-crps-3000w", "quantity": 6}], "circuit": circuit}
    return _one(check(make(catalog, SXM_SERVER, **data)), "WALL_CIRCUIT")


def test_wall_circuit_on_240v_30a_names_a_larger_circuit_not_240v(catalog):
    # About 9,700 W at the wall against 5,760 W continuous on 240 V 30 A: the smallest catalog circuit that
    # carries it is the 208 V 60 A three-phase PDU (17,292 W continuous).
    f = _wall(catalog, "240v-30a")
    assert "e.g. 240 V" not in f.message and "higher-rated" not in f.message
    assert "208 V 60 A three-phase" in f.message and "17,292 W continuous" in f.message
    assert "3ph-208v-60a" in f.parts


def test_wall_circuit_on_120v_names_the_smallest_circuit_that_carries_it(catalog):
    f = _one(check(load(EXAMPLES / "ws-4x-rtxpro6000-we-overpowered.json", catalog)), "WALL_CIRCUIT")
    # about 3,230 W: 208 V 30 A (4,992 W) and 240 V 20 A (3,840 W) carry it; 240 V 20 A is the smaller
    assert "Use a 240 V 20 A" in f.message and "3,840 W continuous" in f.message


class _SmallCircuits:
    """The real catalog offering only its two smallest circuits."""

    def __init__(self, catalog):
        self._catalog = catalog

    def list(self, kind):
        rows = self._catalog.list(kind)
        return [c for c in rows if c.id in ("120v-15a", "120v-20a")] if kind == "circuits" else rows

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def test_wall_circuit_says_when_no_catalog_circuit_is_larger(catalog):
    build = load(EXAMPLES / "ws-4x-rtxpro6000-we-overpowered.json", _SmallCircuits(catalog))
    f = _one(check(build), "WALL_CIRCUIT")
    assert "No circuit in the catalog carries that alone" in f.message and "Use a" not in f.message
