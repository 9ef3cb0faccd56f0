"""`configurator size` against the catalog built from db/: contract keys, same figures as the core, errors."""

from __future__ import annotations

import json

import pytest

from configurator import cli
from configurator.core.sizing import evaluate_inference, evaluate_training, prepare_inference
from configurator.core.system import SystemSpec, default_intra_link
from configurator.core.units import GB
from configurator.core.workload import TrainingWorkload


@pytest.fixture
def size(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))

    def run(*argv):
        rc = cli.run(["size", *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def test_inference_json_contract_and_core_figures(size, catalog):
    rc, out, _ = size("--model", "llama-3.1-70b", "--precision", "q4_k_m", "--gpu", "rtx-pro-6000-we",
                      "--context", "4096", "--users", "4", "--prompt", "2048", "--json")
    assert rc == 0
    o = json.loads(out)
    assert set(o["memory_gb"]) >= {"weights", "kv_cache", "activations", "reserve", "total_per_gpu", "capacity_per_gpu"}
    assert set(o["decode_tokens_per_s"]) >= {"ceiling", "expected", "per_user", "aggregate"}
    assert isinstance(o["fits"], bool) and o["fits"]
    g = catalog.gpu("rtx-pro-6000-we")
    setup = prepare_inference(catalog.model("llama-3.1-70b"), SystemSpec(g, intra_link=default_intra_link(g)),
                              catalog.precision("q4_k_m"), catalog.precision("fp16"),
                              catalog.engine_efficiency("llama.cpp", g.gpu_class), catalog.engine("llama.cpp"))
    r = evaluate_inference(setup, 4, 4096, 2048)
    assert o["memory_gb"]["kv_cache"] == pytest.approx(4 * 4096 * 327680 / GB, abs=1e-3)
    assert o["memory_gb"]["total_per_gpu"] == pytest.approx(r.memory.total_bytes / GB, abs=1e-3)
    assert o["decode_tokens_per_s"]["aggregate"] == pytest.approx(r.aggregate_tokens_per_s, abs=0.01)
    assert o["decode_tokens_per_s"]["expected"] < o["decode_tokens_per_s"]["ceiling"]
    assert o["ttft_s"] == pytest.approx(r.ttft_s, abs=1e-4)
    assert o["prefill_tokens_per_s"] > 0


def test_fp16_16_users_32k_does_not_fit_one_h200_but_fits_four(size):
    args = ("--model", "llama-3.1-70b", "--precision", "fp16", "--gpu", "h200-sxm", "--engine", "vllm",
            "--context", "32768", "--users", "16", "--json")
    one = json.loads(size(*args)[1])
    four = json.loads(size(*args, "--gpus", "4", "--parallel", "tp")[1])
    assert one["memory_gb"]["kv_cache"] == pytest.approx(171.8, abs=0.1)
    assert not one["fits"] and four["fits"]
    assert four["decode_tokens_per_s"]["per_user"] > 0


def test_training_json_contract(size, catalog):
    rc, out, _ = size("--mode", "train", "--model", "llama-3.1-70b", "--gpu", "b200-sxm", "--gpus", "8",
                      "--zero", "3", "--recompute", "full", "--seq", "4096", "--tokens", "1e9", "--json")
    assert rc == 0
    o = json.loads(out)
    assert set(o["memory_gb"]) >= {"weights", "gradients", "optimizer", "activations", "reserve", "total_per_gpu",
                                   "capacity_per_gpu"}
    assert o["fits"] is True and 0 <= o["allreduce_share"] <= 1
    g = catalog.gpu("b200-sxm")
    r = evaluate_training(catalog.model("llama-3.1-70b"), SystemSpec(g, 8, intra_link=default_intra_link(g)),
                          TrainingWorkload(mode="full", zero_stage=3, recompute="full", seq_len=4096, tokens=1e9),
                          catalog.precision("bf16"))
    assert o["train_time_s"] == pytest.approx(r.train_time_s, abs=0.1)
    assert o["memory_gb"]["optimizer"] == pytest.approx(70.55e9 * 12 / 8 / GB, abs=1e-3)


def test_lora_and_qlora_summary_text(size):
    rc, out, _ = size("--mode", "qlora", "--model", "llama-3.1-70b", "--gpu", "rtx-pro-6000-we", "--seq", "2048")
    assert rc == 0 and "fits" in out and "tok/s" in out


@pytest.mark.parametrize("argv, needle", [
    (("--model", "nope", "--gpu", "h100-sxm"), "unknown model id 'nope'"),
    (("--model", "llama-3.1-8b", "--gpu", "nope"), "unknown gpu id"),
    (("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--precision", "fp4", "--compute", "fp4"), "FP4"),
    (("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "0"), "--gpus"),
    (("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--users", "-2"), "--users"),
    (("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--context", "-1"), "--context"),
    (("--mode", "lora", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--tokens", "-5"), "--tokens"),
    (("--mode", "train", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--zero", "4"), "--zero"),
    (("--mode", "train", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--precision", "q4_k_m"), "training precision"),
])
def test_bad_input_exits_2_with_one_line(size, argv, needle):
    rc, out, err = size(*argv)
    assert rc == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_fp4_weights_run_weight_only_where_the_gpu_has_no_fp4(size):
    """Issue 14: MXFP4 weights on an H100 are not refused; they run as W4A16 at the 16-bit rate."""
    rc, out, err = size("--model", "gpt-oss-120b", "--gpu", "h100-sxm", "--precision", "mxfp4", "--engine", "vllm",
                        "--json")
    assert rc == 0, err
    o = json.loads(out)
    assert o["compute"] == "fp16" and any("W4A16" in n for n in o["notes"])
    assert o["memory_gb"]["weights"] == pytest.approx(116.789e9 * 4.25 / 8 / GB, rel=1e-3)


def test_fp4_runs_where_the_gpu_has_it(size):
    o = json.loads(size("--model", "llama-3.1-8b", "--gpu", "b200-sxm", "--precision", "nvfp4", "--json")[1])
    assert o["compute"] == "fp4" and o["fits"]
