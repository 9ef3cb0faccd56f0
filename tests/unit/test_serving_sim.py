"""The continuous-batching simulation (SIZING.md 3b): admission per engine as documented, load monotonicity,
replicas, fit, determinism, the service-level search and the closed-form estimate."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import pytest

from configurator.catalog.sources import read_rows
from configurator.core.errors import InvalidInputError
from configurator.core.parts import Engine, EngineEfficiency
from configurator.core.sizing.serving import (
    Layout, Lengths, ServiceLevel, ServingBuild, ServingWorkload, estimate, policy, prepare_replica, serve,
    size_to_slo, sweep,
)
from configurator.core.sizing.serving.simulate import run_layout, summarize
from tests.unit.test_sizing_common import DB, model, prec, system

ROW = EngineEfficiency("any", "*", 0.8, 0.5, 0.6, 5.0, "t", "t", eff_attn=0.75, t_step_us=1000.0, fp8_scale=0.6)


@lru_cache(maxsize=None)
def engine(engine_id: str) -> Engine:
    rows = {r["id"]: r for r in read_rows(DB / "engines.csv", Engine)}
    r = rows[engine_id]
    r.setdefault("notes", "")
    return Engine(**r)


def build(model_id="llama-3.1-8b", gpu="h100-sxm", gpus=1, weights="fp8", kv="fp8", engine_id="vllm", **kw):
    return ServingBuild(model(model_id), system(gpu, gpus), prec(weights), prec(kv), engine(engine_id), ROW, **kw)


def work(arrival="closed", p=1024, o=256, **kw):
    kw.setdefault("requests", 400)
    return ServingWorkload(Lengths(p), Lengths(o), arrival=arrival, **kw)


def test_admission_follows_each_engine():
    # a pool that holds only tens of 4,096-token requests: the engines admit differently
    w = work("max", p=2048, o=2048, requests=240)
    results = {e: serve(build(weights="bf16", kv="fp16", gpu="l40s", engine_id=e, tp=1), w)
               for e in ("vllm", "sglang", "trtllm", "llama.cpp")}
    per_request = 2048 + 2048
    trt = results["trtllm"]
    # TensorRT-LLM GUARANTEED_NO_EVICT: prompt + full output reserved per request, never evicts
    assert trt.concurrency_admitted == trt.kv_capacity_tokens_per_replica // per_request
    assert trt.preemptions == 0
    # vLLM pages by prompt and preempts (recompute) when the growing contexts run out of pool
    vllm = results["vllm"]
    assert vllm.concurrency_admitted > vllm.kv_capacity_tokens_per_replica // per_request
    assert vllm.preemptions > 0
    # SGLang also reserves new_token_ratio x the remaining output: more than TensorRT-LLM, fewer than vLLM
    sgl = results["sglang"]
    assert (sgl.kv_capacity_tokens_per_replica // per_request < sgl.concurrency_admitted
            <= vllm.concurrency_admitted * sgl.kv_capacity_tokens_per_replica / vllm.kv_capacity_tokens_per_replica)
    # llama.cpp: a fixed number of slots (4 by default: llama-server's "auto")
    assert results["llama.cpp"].concurrency_admitted == 4
    eight = serve(build(weights="bf16", kv="fp16", gpu="l40s", engine_id="llama.cpp", slots=8), w)
    assert eight.concurrency_admitted == 8
    assert policy("vllm", 80).max_seqs == 1024 and policy("vllm", 48).max_seqs == 256


def test_ttft_p95_never_falls_as_users_rise():
    b = build(tp=1)
    out = [serve(b, work(concurrency=n, requests=max(200, 3 * n))) for n in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)]
    ttft = [r.ttft_s_p95 for r in out]
    assert all(b2 >= a - 1e-9 for a, b2 in zip(ttft, ttft[1:])), ttft
    assert ttft[-1] > 3 * ttft[0]
    tps = [r.system_output_tokens_per_s for r in out]
    assert tps[-1] > 10 * tps[0]


def test_ttft_p95_never_falls_as_the_request_rate_rises():
    b = build(tp=1)
    w = dataclasses.replace(work("open", rate_per_s=1.0, requests=600),
                            input_tokens=Lengths(1024, 0.5), output_tokens=Lengths(256, 0.5))
    out = sweep(b, w, [1, 2, 4, 8, 16, 24, 32, 48, 64])
    ttft = [r.ttft_s_p95 for r in out]
    assert all(b2 >= a - 1e-9 for a, b2 in zip(ttft, ttft[1:])), ttft
    assert ttft[-1] > 3 * ttft[0]  # past saturation the queue grows


def test_more_replicas_never_lower_system_throughput():
    w = work(concurrency=256, requests=768)
    tps = [serve(build(gpus=n, tp=1), w).system_output_tokens_per_s for n in (1, 2, 4, 8)]
    assert all(b >= a for a, b in zip(tps, tps[1:])), tps
    off = work("max", requests=800)
    tps_max = [serve(build(gpus=n, tp=1), off).system_output_tokens_per_s for n in (1, 2, 4, 8)]
    assert all(b >= a for a, b in zip(tps_max, tps_max[1:])), tps_max
    auto = serve(build(gpus=8), w)
    assert auto.layout.gpus_per_replica * auto.layout.replicas == 8
    assert auto.system_output_tokens_per_s >= tps[-1] * 0.999  # the automatic layout is the best one


def test_a_build_that_cannot_hold_one_request_does_not_fit():
    w = work("closed", p=100_000, o=1024, concurrency=1, requests=4)
    one = serve(build("llama-3.1-70b", "h100-sxm", 1), w)
    assert one.fits is False
    assert one.system_output_tokens_per_s is None and one.ttft_s_p95 is None and one.tpot_s_p50 is None
    assert "does not fit" in one.notes[0]
    two = serve(build("llama-3.1-70b", "h100-sxm", 2), w)
    assert two.fits and two.layout.tp == 2 and two.kv_capacity_tokens_per_replica >= 101_024


def test_deterministic_per_seed():
    b = build(gpus=2, tp=1)
    w = dataclasses.replace(work("open", rate_per_s=20.0, requests=300, seed=7),
                            input_tokens=Lengths(800, 1.0), output_tokens=Lengths(200, 1.0))
    a, b1 = serve(b, w), serve(b, w)
    assert a == b1
    other = serve(b, dataclasses.replace(w, seed=8))
    assert other.ttft_s_p95 != a.ttft_s_p95


def test_slo_search_finds_the_most_users_within_one():
    b = build(tp=1)
    slo = ServiceLevel(ttft_s=1.0, tpot_s=0.030)
    w = work(concurrency=16, slo=slo, requests=200)
    r = size_to_slo(b, w)
    n = r.max_concurrency
    assert r.meets_slo and n and n > 16
    rep = prepare_replica(b, Layout(1, 1, 1), w)

    def meets(users: int) -> bool:
        ww = dataclasses.replace(w, concurrency=users, requests=max(200, 3 * users))
        return bool(summarize(rep, run_layout(rep, ww), ww).meets_slo)

    assert meets(n) and not meets(n + 1)
    assert r.binding in ("kv_capacity", "compute", "bandwidth", "overhead")
    assert r.failing_metric in ("ttft", "tpot", "both")


def test_slo_search_finds_the_highest_rate_within_two_percent():
    b = build(tp=1)
    slo = ServiceLevel(ttft_s=0.5, tpot_s=0.040)
    w = work("open", rate_per_s=2.0, slo=slo, requests=300)
    r = size_to_slo(b, w)
    rate = r.max_rate_per_s
    assert r.meets_slo and rate > 2.0
    rep = prepare_replica(b, Layout(1, 1, 1), w)

    def meets(x: float) -> bool:
        ww = dataclasses.replace(w, rate_per_s=x)
        return bool(summarize(rep, run_layout(rep, ww), ww).meets_slo)

    assert meets(rate) and not meets(rate * 1.02)


def test_estimate_agrees_with_the_simulation_in_steady_state():
    b = build(tp=1)
    w = work(concurrency=64, think_time_s=2.0, requests=1200)
    sim, est = serve(b, w), estimate(b, w)
    assert est.estimated and not sim.estimated
    assert est.tpot_s_p50 == pytest.approx(sim.tpot_s_p50, rel=0.35)
    assert est.system_output_tokens_per_s == pytest.approx(sim.system_output_tokens_per_s, rel=0.5)


def test_extrapolation_is_flagged():
    r = serve(build(gpu="b200-sxm", weights="nvfp4", kv="fp8", engine_id="sglang", tp=1), work(concurrency=8))
    assert r.extrapolated and any("extrapolated" in n for n in r.notes)
    assert any("SGLang" in n for n in r.notes) and any("FP4" in n for n in r.notes)


def test_bad_workloads_are_refused():
    with pytest.raises(InvalidInputError):
        work(concurrency=0)
    with pytest.raises(InvalidInputError):
        work("open", rate_per_s=-1.0)
    with pytest.raises(InvalidInputError):
        Lengths(0)
    with pytest.raises(InvalidInputError):
        serve(build(gpus=8, tp=3), work(concurrency=4))
    with pytest.raises(InvalidInputError):
        serve(build(gpu="mi300x", engine_id="trtllm"), work(concurrency=4))
