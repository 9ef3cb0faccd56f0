"""Property tests (hypothesis): no negative memory, monotone in context / users / sequence length,
more GPUs never less capacity, expected never above the ceiling."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.core.sizing import (
    IDEAL, Efficiency, decode_sweep, evaluate_inference, evaluate_training, prepare_inference, training_sweep,
)
from configurator.core.workload import TrainingWorkload
from tests.unit.test_sizing_common import LLAMACPP, TRTLLM, VLLM, all_gpus, all_models, prec, system

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODELS = all_models()
GPUS = [g for g in all_gpus() if g.form_factor != "SoC"]
WEIGHTS = ["fp16", "fp8", "q4_k_m", "q8_0", "nvfp4", "q2_k"]
KVS = ["fp16", "fp8", "q8_0"]
ENGINES = [LLAMACPP, VLLM, TRTLLM]

effs = st.builds(Efficiency, st.floats(0.05, 1.0), st.floats(0.05, 1.0), st.floats(0.05, 1.0),
                 st.floats(0.0, 1e-4), st.just("hyp"))


@st.composite
def setups(draw, gpus=None):
    m = draw(st.sampled_from(MODELS))
    g = draw(st.sampled_from(GPUS))
    n = gpus if gpus is not None else draw(st.sampled_from([1, 2, 4, 8]))
    nodes = draw(st.sampled_from([1, 2]))
    eng = draw(st.sampled_from(ENGINES))
    if eng is TRTLLM and g.vendor != "NVIDIA":
        eng = VLLM  # TensorRT-LLM is refused on AMD (core/sizing/validate.py)
    par = draw(st.sampled_from(["tp", "layer"]))
    return prepare_inference(m, system(g.id, n, nodes), prec(draw(st.sampled_from(WEIGHTS))),
                             prec(draw(st.sampled_from(KVS))), draw(effs), eng, par)


@SETTINGS
@given(setups(), st.integers(1, 512), st.integers(0, 200_000), st.integers(0, 32768))
def test_memory_never_negative_and_expected_never_above_ceiling(s, users, context, prompt):
    r = evaluate_inference(s, users, context, prompt)
    m = r.memory
    for v in (m.weights_bytes, m.kv_cache_bytes, m.activations_bytes, m.reserve_bytes, m.total_bytes):
        assert v >= 0
    assert r.per_user_tokens_per_s <= r.ceiling_tokens_per_s * (1 + 1e-12)
    assert float(s.prefill(prompt)) >= float(s.prefill(prompt, IDEAL)) * (1 - 1e-12)
    assert r.max_users_at_context >= 0 and r.max_context_tokens >= 0
    assert r.ttft_s > 0


@SETTINGS
@given(setups())
def test_grid_monotone_in_users_and_context(s):
    sw = decode_sweep(s, np.arange(1, 65), [256, 1024, 4096, 16384, 65536])
    assert np.all(np.diff(sw.step_s, axis=0) >= -1e-15)  # more users: a step never gets shorter
    assert np.all(np.diff(sw.step_s, axis=1) >= -1e-15)  # longer context: never faster
    assert np.all(np.diff(sw.total_bytes, axis=0) >= 0) and np.all(np.diff(sw.total_bytes, axis=1) >= 0)
    assert np.all(np.diff(sw.aggregate_tokens_per_s, axis=0) >= -1e-9)  # batching never loses total throughput
    assert np.all(sw.per_user_tokens_per_s <= sw.ceiling_tokens_per_s * (1 + 1e-12))
    fit = sw.fits
    assert np.all(fit[1:] <= fit[:-1]) and np.all(fit[:, 1:] <= fit[:, :-1])  # once it stops fitting, it stays


@SETTINGS
@given(st.sampled_from(MODELS), st.sampled_from(GPUS), st.sampled_from(WEIGHTS), st.sampled_from(["tp", "layer"]))
def test_more_gpus_never_less_capacity(m, g, w, par):
    prev_users, prev_ctx = -1.0, -1.0
    for n in (1, 2, 4, 8):
        s = prepare_inference(m, system(g.id, n), prec(w), prec("fp16"), None, VLLM, par)
        u, c = float(s.max_users(8192, 1024)), float(s.max_context(4, 1024))
        assert u >= prev_users and c >= prev_ctx
        prev_users, prev_ctx = u, c


train_wl = st.builds(
    TrainingWorkload, mode=st.sampled_from(["full", "lora", "qlora", "pretrain"]),
    optimizer=st.sampled_from(["adamw", "adamw8bit", "sgd"]), zero_stage=st.integers(0, 3),
    recompute=st.sampled_from(["none", "selective", "full"]), micro_batch=st.integers(1, 8),
    seq_len=st.integers(128, 32768), global_batch=st.integers(1, 1024), tokens=st.floats(1e6, 1e12),
    mfu=st.floats(0.1, 0.6),
)


@SETTINGS
@given(st.sampled_from(MODELS), st.sampled_from(GPUS), train_wl)
def test_training_memory_non_negative_and_monotone_in_seq_len(m, g, wl):
    if wl.mode != "pretrain" and m.max_context:  # fine-tuning past max_position_embeddings is refused
        wl = replace(wl, seq_len=min(wl.seq_len, m.max_context // 2))
    wl = replace(wl, tp=1, pp=1, cp=1, ep=1)  # pure data parallel: the sharding arithmetic alone
    sw = training_sweep(m, system(g.id, 8), wl, np.arange(1, 65))
    for arr in (sw.weights_bytes, sw.gradients_bytes, sw.optimizer_bytes, sw.activations_bytes, sw.allreduce_s):
        assert np.all(arr >= 0)
    assert np.all((sw.allreduce_share >= 0) & (sw.allreduce_share <= 1))
    assert np.all(np.diff(sw.total_bytes) <= 1e-6)  # more GPUs never more memory per GPU
    a = evaluate_training(m, system(g.id, 1), wl)
    b = evaluate_training(m, system(g.id, 1), TrainingWorkload(**{**wl.__dict__, "seq_len": wl.seq_len * 2}))
    assert b.memory.total_bytes >= a.memory.total_bytes
    assert b.step_s >= a.step_s


@SETTINGS
@given(st.sampled_from(MODELS), st.sampled_from(GPUS), st.sampled_from([1, 2, 4, 8, 16, 64]),
       st.sampled_from(["full", "lora", "qlora", "pretrain"]))
def test_layout_search_never_slower_than_pure_data_parallel_when_both_fit(m, g, n, mode):
    wl = TrainingWorkload(mode=mode, seq_len=min(4096, m.max_context or 4096), global_batch=64)
    sys_ = system(g.id, min(n, 8), max(1, n // 8))
    best = evaluate_training(m, sys_, wl)
    plain = evaluate_training(m, sys_, replace(wl, tp=1, pp=1, cp=1, ep=1))
    lay = best.layout
    assert lay.tp * lay.pp * lay.cp * lay.dp == sys_.total_gpus
    if plain.fits:
        assert best.fits
        assert best.step_s / best.tokens_per_step <= plain.step_s / plain.tokens_per_step * (1 + 0.006)
    assert 0 < best.mfu <= 1 and 0 <= best.exposed_share <= 1
