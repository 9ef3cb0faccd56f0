"""SIZING.md section 6: the seed article's cases, with what the physics says."""

from __future__ import annotations

import pytest

from configurator.core.sizing import IDEAL, evaluate_inference, evaluate_training, prepare_inference
from configurator.core.units import GB
from configurator.core.workload import TrainingWorkload
from tests.unit.test_sizing_common import EFF, LLAMACPP, VLLM, model, prec, system

M70 = "llama-3.1-70b"


def _q4(gpu_id):
    return prepare_inference(model(M70), system(gpu_id), prec("q4_k_m"), prec("fp16"), EFF, LLAMACPP)


def test_70b_q4_k_m_is_about_43_gb_and_45_tok_s_ceiling_on_rtx_pro_6000():
    r = evaluate_inference(_q4("rtx-pro-6000-we"), 1, 1024, 512)
    assert 42.5 <= r.memory.weights_bytes / GB <= 44.0  # 70.55B x 4.90 bits
    assert 41.0 <= r.ceiling_tokens_per_s <= 45.0
    assert r.per_user_tokens_per_s < r.ceiling_tokens_per_s  # expected lower
    assert r.fits


def test_70b_q4_ceiling_on_h200_is_110_to_120():
    r = evaluate_inference(_q4("h200-sxm"), 1, 1024, 512)
    assert 110.0 <= r.ceiling_tokens_per_s <= 120.0


def test_h200_vs_h100_is_the_bandwidth_ratio_when_memory_bound():
    h200, h100 = _q4("h200-sxm"), _q4("h100-sxm")
    ratio = float(h100.decode(1, 1024, IDEAL)[0]) / float(h200.decode(1, 1024, IDEAL)[0])
    assert ratio == pytest.approx(4.8 / 3.35, rel=1e-9)  # 1.43
    exp = float(h100.decode(1, 1024)[0]) / float(h200.decode(1, 1024)[0])
    assert 1.2 < exp < 1.45  # the fixed per-layer cost pulls the expected ratio a little under


def _fp16_16x32k(gpu_id, gpus=1, kv="fp16", weights="fp16"):
    s = prepare_inference(model(M70), system(gpu_id, gpus), prec(weights), prec(kv), EFF, VLLM, "tp")
    return evaluate_inference(s, 16, 32768, 1024)


def test_70b_fp16_32k_16_users_kv_is_172_gb_and_needs_more_than_one_gpu():
    h200 = _fp16_16x32k("h200-sxm")
    assert h200.memory.weights_bytes / GB == pytest.approx(141.1, abs=0.1)
    assert h200.memory.kv_cache_bytes / GB == pytest.approx(171.8, abs=0.2)  # not "about 40 GB"
    assert not h200.fits
    assert not _fp16_16x32k("b200-sxm").fits
    assert _fp16_16x32k("h200-sxm", 4).fits  # 4 x H200, TP4
    assert _fp16_16x32k("b200-sxm", 2).fits
    assert _fp16_16x32k("b200-sxm", kv="fp8", weights="fp8").fits  # FP8 weights and KV on one B200


def _train(gpu_id, gpus, nodes=1, **kw):
    wl = TrainingWorkload(**{"mode": "full", "seq_len": 4096, "micro_batch": 1, "recompute": "full", **kw})
    return evaluate_training(model(kw.pop("model_id", M70)), system(gpu_id, gpus, nodes), wl)


def test_70b_full_fine_tune_state_is_1_1_tb_and_needs_8_b200_or_16_h100_with_zero3():
    one = _train("h100-sxm", 1)
    assert one.memory.optimizer_bytes == pytest.approx(70.55e9 * 12)
    # the seed's "two fp32 values per parameter": momentum + variance = 8 bytes/param = 564 GB
    assert 70.55e9 * 8 / GB == pytest.approx(564.4, abs=0.1)
    state = one.memory.weights_bytes + one.memory.gradients_bytes + one.memory.optimizer_bytes
    assert state / GB == pytest.approx(1128.8, abs=0.5)  # ~1.1 TB at 16 B/param
    assert _train("b200-sxm", 8, zero_stage=3).fits
    assert _train("h100-sxm", 8, 2, zero_stage=3).fits
    assert _train("h200-sxm", 8, 2, zero_stage=3).fits
    assert not _train("h100-sxm", 8, zero_stage=3).fits
    assert not _train("b200-sxm", 8, zero_stage=0, tp=1, pp=1, cp=1).fits  # pure data parallel, no sharding
    assert _train("b200-sxm", 8, zero_stage=0).fits  # TP 8 splits the state instead (the layout search)


def test_70b_qlora_fits_one_rtx_pro_6000_at_moderate_sequence_length():
    def q(seq, recompute):
        return evaluate_training(model(M70), system("rtx-pro-6000-we"),
                                 TrainingWorkload(mode="qlora", seq_len=seq, recompute=recompute, lora_rank=16))
    r = q(4096, "full")
    assert r.memory.weights_bytes / GB == pytest.approx(36.4 + r.trainable_params * 2 / GB, abs=0.1)
    assert r.fits
    assert q(2048, "selective").fits
    assert not q(16384, "selective").fits


def test_13b_full_fine_tune_on_rtx_pro_6000_needs_zero3_across_several():
    one = _train("rtx-pro-6000-we", 1, model_id="llama-2-13b")
    state = one.memory.weights_bytes + one.memory.gradients_bytes + one.memory.optimizer_bytes
    assert state / GB == pytest.approx(208.3, abs=0.1)
    assert not one.fits
    assert not _train("rtx-pro-6000-we", 2, zero_stage=3, model_id="llama-2-13b").fits
    assert _train("rtx-pro-6000-we", 4, zero_stage=3, model_id="llama-2-13b").fits
