"""Each sizing formula against a hand-computed value (SIZING.md 2-4)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from configurator.core.errors import InvalidInputError
from configurator.core.sizing import (
    EXPLANATIONS, IDEAL, Efficiency, allreduce_s, arch_figures, capacity_bytes, custom_arch, decode_sweep,
    evaluate_inference, evaluate_training, kv_bytes_per_token, lora_trainable_params, prepare_inference,
    sliding_layers, tensor_rate, training_sweep, ttft_sweep, users_fit_sweep,
)
from configurator.core.system import NVLINK4, PCIE4, SystemSpec
from configurator.core.units import GB, GIB
from configurator.core.workload import TrainingWorkload
from configurator.core.sizing.training import act_coefficient
from configurator.core.sizing.training_efficiency import DEFAULT_EFFICIENCY
from tests.unit.test_sizing_common import EFF, LLAMACPP, VLLM, gpu, model, prec, system

FLAT = Efficiency(1.0, 1.0, 1.0, 0.0, "flat")  # same as the ceiling but goes through the expected path


def test_llama31_70b_fp16_kv_is_320_kib_per_token():
    assert kv_bytes_per_token(model("llama-3.1-70b"), 2.0) == 2 * 80 * 8 * 128 * 2 == 327_680


def test_deepseek_v3_mla_kv_per_token():
    assert kv_bytes_per_token(model("deepseek-v3"), 2.0) == 61 * 576 * 2 == 70_272


def test_16_users_32k_70b_fp16_kv_is_172_gb_not_40():
    s = prepare_inference(model("llama-3.1-70b"), system("h200-sxm"), prec("fp16"), prec("fp16"), EFF, VLLM)
    kv = float(s.kv(16, 32768))
    assert kv == 16 * 32768 * 327_680
    assert kv / GB == pytest.approx(171.8, abs=0.1)
    assert kv / GIB == pytest.approx(160.0)


def test_kv_precision_is_separate_from_weights():
    m = model("llama-3.1-70b")
    a = prepare_inference(m, system("h200-sxm"), prec("fp16"), prec("fp8"), EFF, VLLM)
    b = prepare_inference(m, system("h200-sxm"), prec("fp16"), prec("fp16"), EFF, VLLM)
    assert a.weights == b.weights
    assert float(a.kv(4, 8192)) == pytest.approx(float(b.kv(4, 8192)) / 2)


def test_gqa_heads_split_then_replicate_under_tp():
    m = model("llama-3.1-70b")  # 8 KV heads
    one = prepare_inference(m, system("h100-sxm", 1), prec("fp16"), None, EFF, VLLM, "tp")
    four = prepare_inference(m, system("h100-sxm", 4), prec("fp16"), None, EFF, VLLM, "tp")
    sixteen = prepare_inference(m, system("h100-sxm", 8, 2), prec("fp16"), None, EFF, VLLM, "tp")
    assert float(four.kv(1, 1000)) == pytest.approx(float(one.kv(1, 1000)) / 4)
    dense16 = prepare_inference(m, system("h100-sxm", 16), prec("fp16"), None, EFF, VLLM, "tp")
    # t = 16 > kv = 8: each GPU keeps one full head, i.e. 1/8 of the cache, not 1/16
    assert float(dense16.kv(1, 1000)) == pytest.approx(float(one.kv(1, 1000)) / 8)
    assert any("replicated" in n for n in dense16.notes)
    # tp inside the node (8), nodes as stages (2): 1/8 x 1/2
    assert float(sixteen.kv(1, 1000)) == pytest.approx(float(one.kv(1, 1000)) / 16)


def test_gemma2_half_the_layers_cap_at_the_window():
    m = model("gemma-2-9b")  # 42 layers, 8 KV heads, head_dim 256, window 4096, alternating
    assert sliding_layers(m) == 21
    f = arch_figures(m, 2.0, 2.0)
    per_layer = 2 * 8 * 256 * 2
    assert float(f.kv_bytes_per_user(2048)) == 42 * per_layer * 2048
    assert float(f.kv_bytes_per_user(32768)) == 21 * per_layer * 32768 + 21 * per_layer * 4096
    assert sliding_layers(model("mistral-7b")) == 32  # every Mistral-7B v0.1 layer slides
    assert sliding_layers(model("llama-3.1-8b")) == 0


def test_moe_resident_vs_active_and_experts_touched():
    m = model("mixtral-8x7b")  # 46.7B resident, 12.9B active, 8 experts, top-2
    f = arch_figures(m, 2.0, 2.0)
    assert f.weight_bytes == pytest.approx(46.7e9 * 2)
    assert float(f.experts_touched(1)) == pytest.approx(2.0)
    assert float(f.experts_touched(4)) == pytest.approx(8 * (1 - (1 - 2 / 8) ** 4))  # 5.47
    assert float(f.experts_touched(512)) == pytest.approx(8.0)
    # batch 1 reads the active parameters (less the input embedding table: one row is read)
    embed = 32000 * 4096 * 2
    assert float(f.read_bytes(1)) == pytest.approx(12.9e9 * 2 - embed)
    assert float(f.read_bytes(512)) == pytest.approx(46.7e9 * 2 - embed)


def test_deepseek_mla_replicates_latent_under_tp():
    m = model("deepseek-v3")
    one = prepare_inference(m, system("h200-sxm", 1), prec("fp8"), prec("fp16"), EFF, VLLM, "tp")
    eight = prepare_inference(m, system("h200-sxm", 8), prec("fp8"), prec("fp16"), EFF, VLLM, "tp")
    assert float(eight.kv(1, 1000)) == pytest.approx(float(one.kv(1, 1000)))
    assert eight.weights == pytest.approx(671e9 / 8)


def test_capacity_treats_marketed_gb_as_gib():
    assert capacity_bytes(gpu("h100-sxm")) == 80 * 2**30
    assert capacity_bytes(gpu("b200-sxm")) == 180 * 2**30


def test_vllm_reserve_is_its_unused_ten_percent():
    s = prepare_inference(model("llama-3.1-8b"), system("h100-sxm"), prec("bf16"), None, EFF, VLLM)
    assert float(s.reserve(1, 1024)) == pytest.approx(0.1 * 80 * GIB)
    s2 = prepare_inference(model("llama-3.1-8b"), system("h100-sxm"), prec("bf16"), None, EFF, LLAMACPP)
    assert float(s2.reserve(1, 1024)) == pytest.approx(0.75 * GIB)


def test_batch1_ceiling_is_bandwidth_over_bytes():
    m = model("llama-3.1-70b")
    s = prepare_inference(m, system("h200-sxm"), prec("q4_k_m"), prec("fp16"), EFF, LLAMACPP)
    bytes_read = (70.55e9 - 128256 * 8192) * 4.90 / 8 + 100 * 327_680
    step, _ = s.decode(1, 100, IDEAL)
    assert float(step) == pytest.approx(bytes_read / 4.8e12)


def test_expected_decode_formula_with_t_layer():
    m = model("llama-2-7b")
    eff = Efficiency(0.8, 0.5, 0.5, 20e-6, "t")
    s = prepare_inference(m, system("rtx-4090"), prec("q4_0"), prec("fp16"), eff, LLAMACPP)
    bytes_read = (6.74e9 - 32000 * 4096) * 4.64 / 8 + 64 * 524_288
    step, bound = s.decode(1, 64)
    assert not bound
    assert float(step) == pytest.approx(bytes_read / (1.008e12 * 0.8) + 32 * 20e-6)


def test_layer_split_gives_no_batch1_speedup_tp_does():
    m = model("llama-3.1-70b")
    one = prepare_inference(m, system("h100-pcie", 1), prec("q4_k_m"), None, FLAT, LLAMACPP, "layer")
    four = prepare_inference(m, system("h100-pcie", 4), prec("q4_k_m"), None, FLAT, LLAMACPP, "layer")
    tp4 = prepare_inference(m, system("h100-pcie", 4), prec("q4_k_m"), None, FLAT, VLLM, "tp")
    t1, t4, ttp = (float(x.decode(1, 512)[0]) for x in (one, four, tp4))
    assert t4 >= t1  # same bytes per step at the same bandwidth, plus the stage hops
    assert t4 == pytest.approx(t1, rel=0.01)
    assert ttp < t1 / 2  # TP reads 1/4 of the bytes per GPU in parallel


def test_tp_allreduce_cost_per_step():
    m = model("llama-3.1-70b")
    s = prepare_inference(m, system("h100-sxm", 4), prec("fp16"), None, FLAT, VLLM, "tp")
    comm = float(s.decode(8, 512)[0]) - float(s.decode(8, 512, IDEAL)[0])
    msg = 8 * 8192 * 2
    # one all-reduce call costs about 10 us on NVLink (SIZING.md 3b), more than the 3 us link latency of a hop
    expected = 2 * 80 * (10e-6 + 2 * 3 / 4 * msg / (NVLINK4.bandwidth_gb_s * 1e9))
    assert comm == pytest.approx(expected)


def test_prefill_flops_and_ttft():
    m = model("llama-2-7b")
    eff = Efficiency(1.0, 1.0, 0.5, 0.0, "t")
    s = prepare_inference(m, system("h100-sxm"), prec("fp16"), None, eff, VLLM)
    sp = 2048
    flops = 2 * 6.74e9 * sp + 2 * 32 * sp * sp * 32 * 128
    assert float(s.prefill(sp)) == pytest.approx(flops / (989.4e12 * 0.5))
    tt = ttft_sweep(s, [sp], users=1)
    assert float(tt.ttft_s[0]) == pytest.approx(float(s.prefill(sp)) + float(s.decode(1, sp)[0]))


def test_fp4_only_where_the_gpu_has_it():
    assert tensor_rate(gpu("b200-sxm"), "fp4").flops_per_s == 9000e12
    r = tensor_rate(gpu("h100-sxm"), "fp4")
    assert r.fell_back and r.used == "fp16" and r.flops_per_s == 989.4e12 and "FP4" in r.note
    assert tensor_rate(gpu("a100-80gb-sxm"), "fp8").used == "fp16"
    s = prepare_inference(model("llama-3.1-8b"), system("h100-sxm"), prec("nvfp4"), None, EFF, VLLM)
    assert s.compute_used == "fp16" and s.notes


def test_custom_architecture():
    m = custom_arch(params_b=10, layers=40, hidden=5120, kv_heads=8, head_dim=128)
    assert kv_bytes_per_token(m, 2) == 2 * 40 * 8 * 128 * 2
    r = evaluate_inference(prepare_inference(m, system("rtx-pro-6000-we"), prec("fp8"), None, EFF, VLLM), 4, 4096, 512)
    assert r.memory.weights_bytes == pytest.approx(10e9)
    with pytest.raises(InvalidInputError):
        arch_figures(dataclasses.replace(m, kv_heads=0), 2.0, 2.0)


def test_users_and_context_that_fit_are_consistent():
    s = prepare_inference(model("llama-3.1-70b"), system("h200-sxm"), prec("fp8"), prec("fp8"), EFF, VLLM)
    n = int(s.max_users(32768, 1024))
    assert n > 0
    assert evaluate_inference(s, n, 32768, 1024).fits
    assert not evaluate_inference(s, n + 1, 32768, 1024).fits
    c = int(s.max_context(8, 1024))
    assert evaluate_inference(s, 8, c, 1024).fits and not evaluate_inference(s, 8, c + 2, 1024).fits
    uf = users_fit_sweep(s, [4096, 32768])
    assert uf.max_users[1] == n


def test_sweep_matches_scalar_figures():
    s = prepare_inference(model("mixtral-8x7b"), system("h100-sxm", 2), prec("fp8"), prec("fp16"), EFF, VLLM)
    sw = decode_sweep(s, np.arange(1, 65), [1024, 8192])
    r = evaluate_inference(s, 37, 8192, 1024)
    assert sw.per_user_tokens_per_s.shape == (64, 2)
    assert sw.aggregate_tokens_per_s[36, 1] == pytest.approx(r.aggregate_tokens_per_s)
    assert sw.total_bytes[36, 1] == pytest.approx(r.memory.total_bytes)


def test_allreduce_ring_formula():
    assert float(allreduce_s(1e9, 8, 25e9, 0.0)) == pytest.approx(2 * 7 / 8 * 1e9 / 25e9)
    assert float(allreduce_s(1e9, 1, 25e9, 1e-5)) == 0.0


def test_training_bytes_per_parameter():
    m = model("llama-3.1-8b")
    P = 8.03e9
    wl = TrainingWorkload(mode="full", recompute="full", seq_len=2048, zero_stage=0)
    r = evaluate_training(m, system("h100-sxm"), wl)
    assert r.memory.weights_bytes + r.memory.gradients_bytes + r.memory.optimizer_bytes == pytest.approx(16 * P)
    r18 = evaluate_training(m, system("h100-sxm"), dataclasses.replace(wl, fp32_grads=True))
    assert r18.memory.gradients_bytes == pytest.approx(4 * P)
    assert evaluate_training(m, system("h100-sxm"), dataclasses.replace(wl, optimizer="adamw8bit")).memory.optimizer_bytes == pytest.approx(6 * P)
    assert evaluate_training(m, system("h100-sxm"), dataclasses.replace(wl, optimizer="sgd")).memory.optimizer_bytes == pytest.approx(8 * P)


def test_zero_stages_shard_in_order():
    """DeepSpeed's own accounting (issue 14): ZeRO-1/2 keep a full 16-bit gradient buffer plus an fp32 gradient
    partition (ZeRO-2 = 4 + 16/n bytes per parameter), ZeRO-3 = 18/n + two gathered layers."""
    m = model("llama-3.1-8b")
    P, n = 8.03e9, 8
    def mem(z):
        wl = TrainingWorkload(mode="full", zero_stage=z, recompute="full", tp=1, pp=1, cp=1)
        return evaluate_training(m, system("h100-sxm", n), wl).memory
    z0, z1, z2, z3 = (mem(z) for z in range(4))
    assert z0.weights_bytes + z0.gradients_bytes + z0.optimizer_bytes == pytest.approx(16 * P)
    assert z1.optimizer_bytes == pytest.approx(12 * P / n)
    assert z2.gradients_bytes == pytest.approx(2 * P + 4 * P / n)  # full bf16 buffer + fp32 partition
    assert z2.weights_bytes + z2.gradients_bytes + z2.optimizer_bytes == pytest.approx(4 * P + 16 * P / n)
    state3 = z3.weights_bytes + z3.gradients_bytes + z3.optimizer_bytes
    layer = (P - 2 * 128256 * 4096) / 32 * 2  # one gathered bf16 layer
    assert state3 == pytest.approx(18 * P / n + 2 * layer, rel=1e-6)
    assert z0.total_bytes > z1.total_bytes >= z2.total_bytes > z3.total_bytes


def test_training_activations_megatron():
    m = model("llama-2-7b")
    s, b, h, a, L = 2048, 1, 4096, 32, 32
    logits = s * b * 32000 * 4
    # 10 (norm and matmul inputs) + 2 x (q + k + v) / h (MHA: 6) + 6 x 11008 / h (gated MLP) = 32.125
    coef = 10 + 6 + 6 * 11008 / 4096
    assert act_coefficient(m) == pytest.approx(coef)
    def acts(recompute, tp=1):
        wl = TrainingWorkload(mode="full", recompute=recompute, seq_len=s, tp=tp, pp=1, cp=1, zero_stage=0)
        return evaluate_training(m, system("h100-sxm", tp), wl).memory.activations_bytes
    assert acts("none") == pytest.approx(L * s * b * h * coef + L * 5 * a * s * s * b + logits)
    assert acts("selective") == pytest.approx(L * coef * s * b * h + logits)
    assert acts("full") == pytest.approx(L * 2 * s * b * h + coef * s * b * h + logits)
    # sequence parallel with TP 4 divides every term by 4 (Korthikanti et al. 2022)
    assert acts("selective", 4) == pytest.approx((L * coef * s * b * h + logits) / 4)


def test_lora_trainable_params_hand_count():
    m = model("llama-2-7b")  # h 4096, 32 heads = kv heads, hd 128, ffn 11008
    per_layer = (4096 + 4096) * 4 + 3 * (4096 + 11008)
    assert lora_trainable_params(m, 16) == 16 * 32 * per_layer  # ~40M
    r = evaluate_training(m, system("rtx-4090"), TrainingWorkload(mode="qlora", lora_rank=16, seq_len=1024))
    assert r.trainable_params == pytest.approx(16 * 32 * per_layer)
    assert r.memory.weights_bytes == pytest.approx(6.74e9 * 4.13 / 8 + r.trainable_params * 2)


def test_training_time_flops_convention():
    m = model("llama-3.1-8b")
    wl = TrainingWorkload(mode="pretrain", tokens=1e12, seq_len=4096, global_batch=512, recompute="selective")
    r = evaluate_training(m, system("h100-sxm", 8), wl)
    attn = 12 * 32 * 4096 * 32 * 128  # PaLM convention: no causal halving
    assert r.flops_per_token == pytest.approx(6 * 8.03e9 + attn)
    # what the GPUs execute: causal attention (half the pairs) with FlashAttention's backward (7/6)
    assert r.hardware_flops_per_token == pytest.approx(6 * 8.03e9 + attn / 2 * 7 / 6)
    # model and hardware FLOPs kept apart: MFU counts the model FLOPs, never the recompute
    full = evaluate_training(m, system("h100-sxm", 8), dataclasses.replace(wl, recompute="full", tp=1, pp=1, cp=1))
    assert full.flops_per_token == r.flops_per_token
    assert full.hardware_flops_per_token == pytest.approx(8 * 8.03e9 + attn / 2 * (7 / 6 + 1 / 3))
    assert full.mfu < full.hfu and full.step_s > r.step_s
    # never faster than the kernels at the calibrated efficiency, before bubbles and communication
    eff = DEFAULT_EFFICIENCY["fp16"]
    assert r.train_time_s >= 1e12 * r.hardware_flops_per_token / (8 * 989.4e12 * eff) * (1 - 1e-9)


def test_pcie_allreduce_share_can_reach_30_to_40_percent():
    """The seed's claim: at 8 GPUs over PCIe, gradient all-reduce can take 30-40% of the step (pure data
    parallel); the layout search then finds a layout that moves less over PCIe."""
    m = model("llama-2-7b")
    sys8 = SystemSpec(gpu("rtx-6000-ada"), gpus_per_node=8, intra_link=PCIE4)
    wl = TrainingWorkload(mode="full", zero_stage=1, seq_len=2048, micro_batch=1, global_batch=24, tp=1, pp=1, cp=1)
    r = evaluate_training(m, sys8, wl)
    assert 0.30 <= r.allreduce_share <= 0.45
    nv = evaluate_training(m, SystemSpec(gpu("h100-sxm"), gpus_per_node=8, intra_link=NVLINK4), wl)
    assert nv.allreduce_share < r.allreduce_share / 2  # NVLink4: 18x the bandwidth, 2.7x the compute
    best = evaluate_training(m, sys8, dataclasses.replace(wl, tp=0, pp=0, cp=0, zero_stage=-1, recompute="auto"))
    assert best.tokens_per_s > r.tokens_per_s and best.fits


def test_training_sweep_crosses_nodes_on_the_slower_path():
    m = model("llama-3.1-8b")
    sw = training_sweep(m, system("h100-sxm", 8), TrainingWorkload(mode="full", zero_stage=3, tp=1, pp=1, cp=1),
                        np.arange(1, 65))
    assert sw.allreduce_s[0] == 0.0
    # 8 -> 9 GPUs leaves NVLink for the NICs (50 GB/s per GPU): the sync gets much slower
    assert sw.allreduce_s[8] > 4 * sw.allreduce_s[7]


def test_explanations_cover_every_chart():
    for key in ("memory", "training_memory", "throughput", "users_fit", "ttft", "training_time", "allreduce"):
        assert len(EXPLANATIONS[key]) > 80
    assert "PaLM" in EXPLANATIONS["training_time"] and "16 bytes" in EXPLANATIONS["training_memory"]


def test_bad_input_raises_readable_errors():
    s = prepare_inference(model("llama-3.1-8b"), system("h100-sxm"), prec("bf16"), None, EFF, VLLM)
    with pytest.raises(InvalidInputError):
        evaluate_inference(s, 0, 1024, 1024)
    with pytest.raises(InvalidInputError):
        decode_sweep(s, [1, 2], [-5])
    with pytest.raises(InvalidInputError):
        evaluate_training(model("llama-3.1-8b"), system("h100-sxm"), TrainingWorkload(zero_stage=5))
    with pytest.raises(InvalidInputError):
        prepare_inference(model("llama-3.1-8b"), system("h100-sxm", 0), prec("bf16"), None, EFF, VLLM)
    assert math.isfinite(evaluate_inference(s, 1, 0, 0).ttft_s)
