"""`configurator serve` against the catalog built from db/: the JSON contract, the core's figures, exit codes."""

from __future__ import annotations

import json

import pytest

from configurator import cli
from configurator.core.sizing.serving import BOUNDS, Lengths, ServingBuild, ServingWorkload, serve
from configurator.core.system import SystemSpec, default_intra_link

SPEED_KEYS = ("system_output_tokens_per_s", "per_user_tokens_per_s", "ttft_s", "tpot_s")
CONTRACT = SPEED_KEYS + ("concurrency_admitted", "replicas", "tp", "kv_capacity_tokens", "fits", "bound")


@pytest.fixture
def serve_cli(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))

    def run(*argv):
        rc = cli.run(["serve", *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    return run


BASE = ("--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "1024", "--output-tokens", "256",
        "--requests", "300")


def test_json_contract_and_the_core_figures(serve_cli, catalog):
    rc, out, _ = serve_cli(*BASE, "--gpus", "2", "--concurrency", "32", "--json")
    assert rc == 0
    o = json.loads(out)
    assert set(CONTRACT) <= set(o)
    assert set(o["per_user_tokens_per_s"]) == {"p50", "p5"}
    assert set(o["ttft_s"]) == {"p50", "p95", "p99"} and set(o["tpot_s"]) == {"p50", "p95"}
    assert o["fits"] is True and o["bound"] in BOUNDS
    assert o["tp"] * o["replicas"] == 2 and o["concurrency_admitted"] == 32
    assert o["ttft_s"]["p50"] <= o["ttft_s"]["p95"] <= o["ttft_s"]["p99"]
    assert o["per_user_tokens_per_s"]["p5"] <= o["per_user_tokens_per_s"]["p50"]
    assert "meets_slo" not in o and "max_concurrency_meeting_slo" not in o
    g = catalog.gpu("h100-sxm")
    b = ServingBuild(catalog.model("llama-3.1-8b"), SystemSpec(g, gpus_per_node=2, intra_link=default_intra_link(g)),
                     catalog.precision("fp8"), catalog.precision("fp8"), catalog.engine("vllm"),
                     catalog.engine_efficiency("vllm", g.gpu_class))
    r = serve(b, ServingWorkload(Lengths(1024), Lengths(256), concurrency=32, requests=300))
    assert o["system_output_tokens_per_s"] == pytest.approx(r.system_output_tokens_per_s, abs=0.01)
    assert o["kv_capacity_tokens"] == r.kv_capacity_tokens


def test_service_level_keys_closed_and_open(serve_cli):
    o = json.loads(serve_cli(*BASE, "--concurrency", "16", "--slo-ttft-p95", "2", "--slo-tpot-p95", "60",
                             "--json")[1])
    assert isinstance(o["meets_slo"], bool) and o["meets_slo"]
    assert isinstance(o["max_concurrency_meeting_slo"], int) and o["max_concurrency_meeting_slo"] >= 16
    assert o["binding_limit"] in BOUNDS
    o2 = json.loads(serve_cli(*BASE, "--rate", "2", "--slo-ttft-p95", "1", "--slo-tpot-p95", "60", "--json")[1])
    assert isinstance(o2["meets_slo"], bool) and o2["max_rate_meeting_slo"] >= 2
    assert "max_concurrency_meeting_slo" not in o2


def test_a_model_that_does_not_fit_gives_no_speed_figures(serve_cli):
    rc, out, _ = serve_cli("--model", "llama-3.1-405b", "--gpu", "l40s", "--input-tokens", "1024",
                           "--output-tokens", "256", "--max", "--json")
    assert rc == 0
    o = json.loads(out)
    assert o["fits"] is False
    assert not any(k in o for k in SPEED_KEYS)
    rc, out, _ = serve_cli("--model", "llama-3.1-405b", "--gpu", "l40s", "--input-tokens", "1024",
                           "--output-tokens", "256", "--max")
    assert rc == 0 and "DOES NOT FIT" in out


def test_text_summary(serve_cli):
    rc, out, _ = serve_cli(*BASE, "--max")
    assert rc == 0 and "tok/s" in out and "time to first token" in out and "bound by" in out


@pytest.mark.parametrize("argv, fragment", [
    (("--model", "nope", "--gpu", "h100-sxm", "--input-tokens", "10", "--output-tokens", "10", "--max"), "nope"),
    (BASE[:4] + ("--input-tokens", "0", "--output-tokens", "10", "--max"), "--input-tokens"),
    (BASE, "--concurrency"),
    (BASE + ("--max", "--rate", "3"), "not allowed"),
    (BASE + ("--gpus", "8", "--tp", "3", "--max"), "--tp"),
    (BASE + ("--rate", "-1"), "--rate"),
    (BASE + ("--max", "--slo-tpot-p95", "0"), "--slo-tpot-p95"),
    (BASE + ("--max", "--slots", "4"), "llama.cpp"),
    (("--model", "llama-3.1-8b", "--gpu", "mi300x", "--engine", "trtllm", "--input-tokens", "10",
      "--output-tokens", "10", "--max"), "NVIDIA"),
    (BASE + ("--concurrency", "2000000"), "--concurrency"),
])
def test_bad_input_exits_2_with_one_line(catalog_path, monkeypatch, capsys, argv, fragment):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))
    try:
        rc = cli.run(["serve", *argv])
    except SystemExit as exc:  # argparse's own errors (one line too: cli.OneLineParser)
        rc = exc.code
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert rc == 2 and captured.out == ""
    assert len(lines) == 1 and fragment in lines[0], lines
