"""Interconnect as it is wired and the validations of issue 14: bridge pairs, GeForce without peer-to-peer,
contexts beyond max position embeddings, TensorRT-LLM on AMD, TP that must split the heads, FP4 as W4A16."""

from __future__ import annotations

import json

import pytest

from configurator import cli
from configurator.core.errors import InvalidInputError
from configurator.core.sizing import evaluate_inference, evaluate_training, prepare_inference
from configurator.core.sizing.validate import check_context, heads_split
from configurator.core.system import PCIE4, PCIE4_HOST, PCIE5, node_system
from configurator.core.workload import TrainingWorkload
from tests.unit.test_sizing_common import EFF, TRTLLM, VLLM, gpu, model, prec, system


@pytest.fixture
def size(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))

    def run(*argv):
        rc = cli.run(["size", *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


# -- topology ---------------------------------------------------------------------------------------------
def test_a_bridge_joins_a_pair_and_the_rest_of_the_ring_crosses_pcie():
    """Was: a bridge treated as connecting the whole ring (600 GB/s for 4 or 8 cards)."""
    four = node_system(gpu("h100-pcie"), 4, bridged=True, bridge_ways=2)
    assert four.ring_link(2).bandwidth_gb_s == 300.0  # 600 GB/s bridge, per direction
    assert four.ring_link(4) == four.intra_link and four.intra_link.bandwidth_gb_s == PCIE5.bandwidth_gb_s
    pair = node_system(gpu("h100-pcie"), 2, bridged=True)
    assert pair.intra_link.bandwidth_gb_s == 300.0
    quad = node_system(gpu("h200-nvl"), 4, bridged=True, bridge_ways=4)
    assert quad.ring_link(4).bandwidth_gb_s == 450.0  # a 4-way H200 NVL bridge joins all four
    assert node_system(gpu("h200-nvl"), 8, bridged=True, bridge_ways=4).intra_link.name.startswith("PCIe")


def test_rtx_a6000_and_3090_bridges_carry_56_gb_s_per_direction():
    for gid in ("rtx-a6000", "rtx-3090"):
        s = node_system(gpu(gid), 2, bridged=True)
        assert s.intra_link.bandwidth_gb_s == pytest.approx(56.25)  # 112.5 GB/s both directions


def test_geforce_cards_have_no_peer_to_peer():
    s = node_system(gpu("rtx-4090"), 4)
    assert s.intra_link == PCIE4_HOST and s.intra_link.bandwidth_gb_s < PCIE4.bandwidth_gb_s
    assert node_system(gpu("rtx-6000-ada"), 4).intra_link == PCIE4  # workstation cards keep P2P


def test_training_tensor_parallel_uses_the_bridge_only_inside_the_pair():
    m = model("llama-3.1-8b")
    s = node_system(gpu("h100-pcie"), 4, bridged=True, bridge_ways=2)
    wl = TrainingWorkload(mode="full", zero_stage=1, recompute="selective", pp=1, cp=1)
    tp2 = evaluate_training(m, s, TrainingWorkload(**{**wl.__dict__, "tp": 2}))
    tp4 = evaluate_training(m, s, TrainingWorkload(**{**wl.__dict__, "tp": 4}))
    # TP 4 moves 1.5x the data of TP 2 per GPU ((t-1)/t), but over PCIe at 1/6 of the bridge's speed
    assert tp4.comm_breakdown_s["tp"] / tp4.layout.micro_batches > 5 * tp2.comm_breakdown_s["tp"] / tp2.layout.micro_batches


# -- validations ------------------------------------------------------------------------------------------
def test_context_beyond_max_position_embeddings_is_refused(size):
    """Was: a 16K context 'fits' Llama 2 (4096 positions)."""
    with pytest.raises(InvalidInputError, match="maximum context of 4,096"):
        check_context(model("llama-2-7b"), 16384)
    rc, out, err = size("--model", "llama-2-7b", "--gpu", "h100-sxm", "--context", "16384")
    assert rc == 2 and "maximum context of 4,096" in err and len(err.strip().splitlines()) == 1
    rc, out, err = size("--model", "llama-2-7b", "--gpu", "h100-sxm", "--json")  # default context: capped
    assert rc == 0 and json.loads(out)["context"] == 4096
    check_context(model("llama-4-scout"), 262144)  # within its maximum


def test_tensorrt_llm_is_refused_on_amd(size):
    with pytest.raises(InvalidInputError, match="only on NVIDIA"):
        prepare_inference(model("llama-3.1-8b"), system("mi300x"), prec("fp16"), None, EFF, TRTLLM)
    rc, _, err = size("--model", "llama-3.1-8b", "--gpu", "mi300x", "--engine", "trtllm", "--precision", "fp16")
    assert rc == 2 and "TensorRT-LLM runs only on NVIDIA" in err and len(err.strip().splitlines()) == 1
    prepare_inference(model("llama-3.1-8b"), system("h100-sxm"), prec("fp16"), None, EFF, TRTLLM)  # fine on NVIDIA


def test_tp_must_split_the_heads_six_gpus_run_tp2_x_pp3():
    """Was: TP 6 over 64 heads (not possible in any engine)."""
    s = prepare_inference(model("llama-3.1-70b"), system("h100-sxm", 6), prec("fp16"), None, EFF, VLLM, "tp")
    assert (s.plan.tp, s.plan.pp) == (2, 3)
    assert any("TP 6 does not divide" in n and "TP 2 x PP 3" in n for n in s.notes)
    r = evaluate_inference(s, 4, 4096, 1024)
    assert r.tp == 2 and r.pp == 3 and r.fits
    assert heads_split(model("llama-3.1-70b"), 8) and not heads_split(model("llama-3.1-70b"), 6)
    assert heads_split(model("llama-3.1-70b"), 16)  # 16 > 8 KV heads: replicated evenly (vLLM)
    assert heads_split(model("deepseek-r1"), 16)  # MLA: only the heads split


def test_fp4_weights_without_fp4_tensor_cores_run_weight_only_at_the_16_bit_rate():
    """Was: refused. MXFP4 gpt-oss on an H100 runs as W4A16 (dequantised before each matmul)."""
    s = prepare_inference(model("gpt-oss-20b"), system("h100-sxm"), prec("mxfp4"), prec("fp16"), EFF, VLLM)
    assert s.compute_used == "fp16" and any("W4A16" in n for n in s.notes)
    assert s.weights == pytest.approx(model("gpt-oss-20b").params_b * 1e9 * 4.25 / 8)
    b200 = prepare_inference(model("gpt-oss-20b"), system("b200-sxm"), prec("mxfp4"), prec("fp16"), EFF, VLLM)
    assert b200.compute_used == "fp4" and b200.peak > s.peak
