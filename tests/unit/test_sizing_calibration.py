"""The calibration: db/engine_efficiency.csv is complete, and the leave-one-GPU-out batch-1 decode error meets
the target (median under 15%) when recomputed from the measurements."""

from __future__ import annotations

import csv
import importlib.util

import numpy as np
import pytest

from tests.unit.test_sizing_common import DB, ROOT

ENGINES = ("llama.cpp", "vllm", "trtllm", "sglang")


def _script():
    spec = importlib.util.spec_from_file_location("calibrate_engines", ROOT / "tools" / "calibrate_engines.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_engine_efficiency_rows_cover_every_engine_with_a_default():
    rows = list(csv.DictReader((DB / "engine_efficiency.csv").open(encoding="utf-8")))
    keys = {(r["engine_id"], r["gpu_class"]) for r in rows}
    for e in ENGINES:
        assert (e, "*") in keys
    for r in rows:
        for f in ("eff_mem", "eff_compute", "eff_prefill"):
            assert 0 < float(r[f]) <= 1
        assert float(r["t_layer_us"]) >= 0 and r["calibrated_on"] and r["source"]


def test_leave_one_gpu_out_decode_accuracy():
    if not (ROOT.parent / "shared" / "data" / "measured_calibration.csv").exists():
        pytest.skip("shared calibration data not present")
    cal = _script()
    points = cal.load_points()
    dec = [p for p in points if p.category == "batch1_decode" and p.engine_id == "llama.cpp"]
    pre = [p for p in points if p.category == "prefill" and p.engine_id == "llama.cpp"]
    assert len(dec) == 17 and not any(p.category == "batched_throughput" for p in dec)
    errs = []
    for p in dec:
        t = cal.llamacpp_table([q for q in dec if q.gpu.id != p.gpu.id], [q for q in pre if q.gpu.id != p.gpu.id])
        errs.append(cal.pct(p.predict(cal.eff_for(t, p)), p.measured))
    assert np.median(errs) < 15.0
