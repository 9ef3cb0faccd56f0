"""Build files load in linear time, with limits that name the limit, and every number the loader accepts
is one the core can handle (issue 12, items 6 and 9). Linear is checked by counting the work (free-slot
searches and sorts), not by timing: speed is measured in tests/bench."""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.core.analysis import analyze
from configurator.core.buildfile import BuildFileError, dumps, loads
from configurator.core.buildfile import file_format
from configurator.core.configuration.model import Build
from configurator.core.errors import ConfiguratorError
from tests.conftest import ROOT

WS = json.loads((ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json").read_text(encoding="utf-8"))
HGX = json.loads((ROOT / "resources" / "examples" / "hgx-8x-h200.json").read_text(encoding="utf-8"))


def with_(base: dict, **changes) -> str:
    data = copy.deepcopy(base)
    data.update(changes)
    return json.dumps(data)


def test_unslotted_cards_load_with_work_linear_in_their_number(catalog, monkeypatch):
    searches, sorts = [], []
    real_free_slot, real_sort = file_format.free_slot, Build._sort_gpus
    monkeypatch.setattr(file_format, "free_slot", lambda b, g: searches.append(1) or real_free_slot(b, g))
    monkeypatch.setattr(Build, "_sort_gpus", lambda self: sorts.append(1) or real_sort(self))
    build = loads(with_(WS, gpus=[{"id": "rtx-pro-6000-maxq", "quantity": 1024}]), catalog)
    assert len(build.gpus) == 1024
    slotted = sum(1 for p in build.gpus if p.slot is not None)
    assert slotted >= 2 and len(searches) == slotted + 1  # one search per card that found a slot, one that did not
    assert len(sorts) <= slotted + 1  # not one sort per card


@pytest.mark.parametrize("data,message", [
    (with_(WS, gpus=[{"id": "rtx-pro-6000-maxq", "quantity": 1024}] * 16),
     "$.gpus: 16,384 GPUs per node in total is more than the limit of 1024 (max_quantity)"),
    (with_(WS, gpus=[{"id": "rtx-pro-6000-maxq", "quantity": 1}] * 300),
     "$.gpus: 300 entries is more than the limit of 256 per list (MAX_ENTRIES)"),
    (with_(WS, notes="x" * 1_200_000), "more than the limit of 1,000,000 bytes for a build file (MAX_FILE_BYTES)"),
    (with_(WS, psus=[{"id": "psu-atx-1600w", "quantity": 5000}]), "$.psus[0].quantity: 5000 is more than the limit"),
])
def test_limits_name_the_limit(catalog, data, message):
    with pytest.raises(BuildFileError) as exc:
        loads(data, catalog)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(catalog, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(with_(WS, notes="x" * 1_100_000), encoding="utf-8")
    with pytest.raises(BuildFileError, match="MAX_FILE_BYTES"):
        file_format.load(path, catalog)


@pytest.mark.parametrize("where,value", [("name", "box \ud800"), ("notes", "\udfff")])
def test_a_lone_surrogate_is_refused_on_open(catalog, where, value):
    text = with_(WS, **{where: "PLACEHOLDER"}).replace("PLACEHOLDER", json.dumps(value)[1:-1])
    assert "\\ud" in text  # the escape as it stands in the file
    with pytest.raises(BuildFileError, match=rf"\$\.{where}: holds a lone surrogate"):
        loads(text, catalog)


def _workload(section: str, **values) -> dict:
    data = copy.deepcopy(HGX["workload"])
    data.setdefault(section, {}).update(values)
    return data


@pytest.mark.parametrize("data,field", [
    (with_(HGX, roi={"support_per_month": "1e28"}), "support per month"),
    (with_(HGX, workload=_workload("custom", params_b=1e308)), "$.workload.custom.params_b"),
    (with_(HGX, workload=_workload("training", mfu=5e-324)), "$.workload.training.mfu"),
    (with_(HGX, workload=_workload("inference", users=2**31)), "$.workload.inference.users"),
    (with_(HGX, workload=_workload("inference", context_tokens=10**9)), "$.workload.inference.context_tokens"),
    (with_(HGX, workload=_workload("training", tokens=1e30)), "$.workload.training.tokens"),
    (with_(HGX, workload=_workload("custom", layers=10**6)), "$.workload.custom.layers"),
])
def test_numbers_out_of_bounds_name_the_field(catalog, data, field):
    with pytest.raises(BuildFileError) as exc:
        loads(data, catalog)
    assert field in str(exc.value)


big = st.one_of(st.integers(min_value=-2, max_value=2**70), st.sampled_from([2**31 - 1, 2**31, 10**8, 10**9]),
                st.floats(min_value=0, allow_nan=False, allow_infinity=False),
                st.sampled_from([5e-324, 1e-9, 1e28, 1e300, 0.0]))
FIELDS = {
    "inference": ["context_tokens", "users", "prompt_tokens", "output_tokens"],
    "training": ["tokens", "seq_len", "micro_batch", "global_batch", "lora_rank", "mfu"],
    "custom": ["params_b", "layers", "hidden", "heads", "kv_heads", "head_dim"],
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_what_the_loader_accepts_the_core_can_handle(catalog, data):
    """200 builds with absurd numbers in the workload, the custom model and the ROI figures: each is refused
    with one line, or loads and is analysed, saved and reloaded without any other error."""
    base = copy.deepcopy(HGX if data.draw(st.booleans()) else WS)
    workload = base["workload"]
    workload["kind"] = data.draw(st.sampled_from(["inference", "training"]))
    if data.draw(st.booleans()):
        workload[workload["kind"]]["model_id"] = "custom"
        workload["custom"] = {}
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        section = data.draw(st.sampled_from(sorted(FIELDS)))
        workload.setdefault(section, {})[data.draw(st.sampled_from(FIELDS[section]))] = data.draw(big)
    if data.draw(st.booleans()):
        base["roi"] = {data.draw(st.sampled_from(["support_per_month", "cloud_rate", "kwh_price", "hours_per_day"])):
                       data.draw(st.one_of(big, big.map(str)))}
    text = json.dumps(base)
    try:
        build = loads(text, catalog)
    except ConfiguratorError as exc:
        assert isinstance(exc, BuildFileError) and str(exc).strip() and "\n" not in str(exc)
        return
    result = analyze(build, catalog)  # nothing but a ConfiguratorError-free analysis
    for value in (result.roi_problem, result.sizing_problem):
        assert value is None or isinstance(value, str)
    again = loads(dumps(build).encode("utf-8"), catalog)
    assert dumps(again) == dumps(build)
    assert all(math.isfinite(p.gpu.memory_gb) for p in again.gpus)
