"""The engine step model (SIZING.md 3b): GEMM and attention phases add, fixed costs, TP all-reduce latency, MoE
experts, absorbed-MLA attention FLOPs; and batch-1 decode unchanged on the calibration rows."""

from __future__ import annotations

import numpy as np
import pytest

from configurator.core.parts import EngineEfficiency
from configurator.core.sizing import IDEAL, Efficiency, arch_figures, prepare_inference
from configurator.core.sizing.hardware import allreduce_call_latency_s
from configurator.core.system import INFINITY_FABRIC, NVLINK4, PCIE5
from tests.unit.test_sizing_common import LLAMACPP, VLLM, model, prec, system

ROW = EngineEfficiency("vllm", "*", 0.8, 0.5, 0.6, 5.0, "t", "t", eff_attn=0.7, t_step_us=1500.0, t_seq_us=10.0,
                       fp8_scale=0.6)


def test_attention_phase_adds_to_the_gemm_phase():
    s = prepare_inference(model("llama-3.1-8b"), system("h100-sxm"), prec("fp8"), prec("fp8"), ROW, VLLM)
    m = s.step_model()
    e = s.eff
    users, ctx = 256, 4096
    kv = float(s.kv(users, ctx))
    weights = s.fig.read_fixed_bytes / (3.35e12 * e.eff_mem)
    gemm_flops = users * 2 * s.fig.active_params / (1978.9e12 * e.eff_compute * e.fp8_scale)
    attention = kv / (3.35e12 * e.attn_mem)
    host = e.t_step_s + users * e.t_seq_s + 32 * e.t_layer_s
    step, compute_bound = s.decode(users, ctx)
    # both phases cost time: the step is their sum, not the larger of the two
    assert float(step) == pytest.approx(max(weights, gemm_flops) + attention + host, rel=1e-9)
    assert float(step) > max(max(weights, gemm_flops), attention) + host
    total, comp, band, over = m.time(users, 0, kv, users * float(s.fig.attention_flops(ctx)), users)
    assert total == pytest.approx(float(step)) and comp + band + over == pytest.approx(total)
    # more KV read, same GEMMs: the step grows by exactly the attention bytes' time
    more = m.time(users, 0, 2 * kv, 0.0, users)[0] - m.time(users, 0, kv, 0.0, users)[0]
    assert more == pytest.approx(kv / (3.35e12 * e.attn_mem))


def test_prompt_tokens_and_decode_tokens_share_the_gemm():
    s = prepare_inference(model("llama-3.1-70b"), system("h200-sxm"), prec("fp8"), prec("fp8"), ROW, VLLM)
    m = s.step_model()
    per_token = 2 * s.fig.active_params / (1978.9e12 * s.eff.fp8_scale)
    weights = s.fig.read_fixed_bytes / (4.8e12 * s.eff.eff_mem)
    fixed = 80 * s.eff.t_layer_s + s.eff.t_step_s
    decode_only = m.time(64, 0, 0.0, 0.0, 64)[0]
    with_chunk = m.time(64, 2048, 0.0, 0.0, 65)[0]
    # 64 decode tokens alone read the weights (memory-bound); with a 2,048-token prompt chunk the same GEMMs
    # become compute-bound, decode tokens at eff_compute and prompt tokens at eff_prefill
    assert decode_only == pytest.approx(max(weights, 64 * per_token / s.eff.eff_compute) + fixed
                                        + 64 * s.eff.t_seq_s, rel=1e-9)
    assert with_chunk == pytest.approx(64 * per_token / s.eff.eff_compute + 2048 * per_token / s.eff.eff_prefill
                                       + fixed + 65 * s.eff.t_seq_s, rel=1e-9)


def test_batch1_decode_is_the_former_memory_roofline():
    # llama.cpp calibration rows: weights + KV read once, no host cost: the sum equals the old max() of bytes
    eff = Efficiency(0.8, 0.5, 0.5, 20e-6, "t")
    s = prepare_inference(model("llama-2-7b"), system("rtx-4090"), prec("q4_0"), prec("fp16"), eff, LLAMACPP)
    step, bound = s.decode(1, 64)
    bytes_read = (6.74e9 - 32000 * 4096) * 4.64 / 8 + 64 * 524_288
    assert not bound and float(step) == pytest.approx(bytes_read / (1.008e12 * 0.8) + 32 * 20e-6)


def test_tp_allreduce_call_latency_by_fabric():
    assert allreduce_call_latency_s(NVLINK4) == pytest.approx(10e-6)  # SIZING.md 3b: 8-12 us on NVLink
    assert allreduce_call_latency_s(INFINITY_FABRIC) == pytest.approx(25e-6)  # about 25 us on Infinity Fabric
    assert allreduce_call_latency_s(PCIE5) >= allreduce_call_latency_s(NVLINK4)
    h100 = prepare_inference(model("llama-3.1-70b"), system("h100-sxm", 8), prec("fp8"), None, ROW, VLLM)
    mi = prepare_inference(model("llama-3.1-70b"), system("mi300x", 8), prec("fp8"), None, ROW, VLLM)
    # two all-reduces per layer per step: 160 calls for 80 layers
    assert h100.step_model().comm_s == pytest.approx(2 * 80 * 10e-6)
    assert mi.step_model().comm_s == pytest.approx(2 * 80 * 25e-6)
    one = prepare_inference(model("llama-3.1-70b"), system("h200-sxm"), prec("fp8"), None, ROW, VLLM)
    assert one.step_model().comm_s == 0.0


def test_moe_reads_the_experts_touched_and_pays_grouped_gemm():
    m = model("mixtral-8x7b")
    eff = Efficiency(0.8, 0.5, 0.5, 0.0, "t", grouped_gemm=0.5)
    s = prepare_inference(m, system("h100-sxm", 2), prec("fp8"), prec("fp16"), eff, VLLM)
    sm = s.step_model()
    f = s.fig
    assert sm.weights_s(1) == pytest.approx((f.read_fixed_bytes + 2 * f.expert_bytes) / 2 / (3.35e12 * 0.8))
    assert sm.weights_s(4096) == pytest.approx((f.read_fixed_bytes + 8 * f.expert_bytes) / 2 / (3.35e12 * 0.8),
                                               rel=1e-6)
    dense = prepare_inference(m, system("h100-sxm", 2), prec("fp8"), prec("fp16"),
                              Efficiency(0.8, 0.5, 0.5, 0.0, "t"), VLLM).step_model()
    assert sm.c_dec > dense.c_dec  # grouped GEMMs reach less than a dense GEMM of the same tokens


def test_absorbed_mla_decode_attention_flops():
    m = model("deepseek-v3")
    f = arch_figures(m, 1.0, 1.0)
    per_layer = 2 * 128 * (2 * 512 + 64)  # 2 x heads x (2 x kv_lora_rank + rope) per context token
    assert f.attn_global_f == pytest.approx(61 * per_layer)
    assert float(f.attention_flops(1000)) == pytest.approx(1000 * 61 * per_layer)
    assert per_layer / (4 * 128 * 128) > 4  # the GQA formula was about 4x low
    # prefill decompresses: QK over 128 + 64 dims, PV over 128
    assert float(f.prefill_attention_flops(100)) == pytest.approx(61 * 2 * 128 * (128 + 64 + 128) * 100 * 100 / 2)
    gqa = arch_figures(model("llama-3.1-8b"), 2.0, 2.0)
    assert gqa.attn_global_f == 32 * 4 * 32 * 128 and gqa.prefill_pair_global_f == gqa.attn_global_f


def test_ceiling_has_no_fixed_costs():
    s = prepare_inference(model("llama-3.1-70b"), system("h100-sxm", 4), prec("fp8"), None, ROW, VLLM)
    ideal = s.step_model(IDEAL)
    assert ideal.comm_s == ideal.layer_s == ideal.t_step == ideal.t_seq == 0.0
    users = np.array([1.0, 16.0, 256.0])
    assert np.all(s.decode(users, 2048)[0] > s.decode(users, 2048, IDEAL)[0])
