"""Recommendations follow the decision tree (DESIGN.md 5), pass the rules, fit, and explain themselves."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from configurator import cli, present
from configurator.core.analysis import analyze
from configurator.core.configuration import CLUSTER, SXM_SERVER, WORKSTATION
from configurator.core.buildfile import from_dict, to_dict
from configurator.core.errors import ConfiguratorError
from configurator.core.recommend import (
    CLUSTER_PRETRAIN, SERVER_FINETUNE, SERVER_INFERENCE, TIERS, WORKSTATION_FINETUNE, WORKSTATION_INFERENCE,
    Request, recommend,
)
from configurator.core.recommend.search import HEADROOM, MIN_TOKENS_PER_S

SMALL_TEAM_70B_Q4 = Request("infer", "llama-3.1-70b", "q4_k_m", users=8, context=8192)
FULL_FT_70B = Request("train", "llama-3.1-70b")
SERVING_70B = Request("infer", "llama-3.1-70b", "fp8", users=300, context=8192)
QLORA_70B = Request("qlora", "llama-3.1-70b")
PRETRAIN_8B = Request("pretrain", "llama-3.1-8b")
CASES = {
    "small-team-70b-q4": SMALL_TEAM_70B_Q4,
    "full-ft-70b": FULL_FT_70B,
    "serving-70b": SERVING_70B,
    "qlora-70b": QLORA_70B,
    "pretrain-8b": PRETRAIN_8B,
    "small-team-8b": Request("infer", "llama-3.1-8b", users=4),
    "lora-8b": Request("lora", "llama-3.1-8b", tokens=5e7),
    "full-ft-8b": Request("train", "llama-3.1-8b"),
}


@pytest.fixture(scope="module")
def results(catalog):
    return {name: recommend(req, catalog) for name, req in CASES.items()}


def gpu_ids(build):
    return set(build.gpu_counts())


def test_small_team_70b_q4_gets_workstations_with_rtx_pro_6000_class_cards(results):
    rec = results["small-team-70b-q4"]
    assert rec.branch == WORKSTATION_INFERENCE
    assert [p.tier for p in rec.proposals] == list(TIERS)
    for p in rec.proposals:
        assert p.build.kind == WORKSTATION
        assert all(gid.startswith("rtx-pro-6000") for gid in gpu_ids(p.build)), p.build.name
        assert all(g.gpu.memory_gb >= 96 for g in p.build.gpus)


def test_full_fine_tune_of_70b_gets_8_gpu_nvlink_servers_or_more(results):
    rec = results["full-ft-70b"]
    assert rec.branch == SERVER_FINETUNE and rec.proposals
    for p in rec.proposals:
        assert p.build.kind in (SXM_SERVER, CLUSTER)
        assert p.build.gpus_per_node == 8 and p.build.total_gpus >= 8
        assert p.analysis.system.intra_link.name.startswith("NVLink")
        assert p.build.workload.training.mode == "full"
        assert "NVLink" in p.summary


def test_serving_70b_to_hundreds_of_users_gets_h200_b200_class_servers(results):
    rec = results["serving-70b"]
    assert rec.branch == SERVER_INFERENCE and rec.proposals
    for p in rec.proposals:
        assert p.build.kind == SXM_SERVER
        for g in p.build.gpus:  # H200 class: HBM modules with at least the H200's capacity and bandwidth
            assert g.gpu.is_module and g.gpu.memory_class == "hbm"
            assert g.gpu.memory_gb >= 141 and g.gpu.bandwidth_tb_s >= 4.8
        assert p.analysis.inference.result.max_users_at_context >= HEADROOM * 300


def test_qlora_gets_a_workstation_with_one_or_two_cards(results):
    rec = results["qlora-70b"]
    assert rec.branch == WORKSTATION_FINETUNE and rec.proposals
    for p in rec.proposals:
        assert p.build.kind == WORKSTATION and 1 <= p.build.total_gpus <= 2
    assert any(gid.startswith("rtx-pro-6000") for p in rec.proposals for gid in gpu_ids(p.build))


def test_pretraining_gets_multi_node_clusters_with_a_nic_per_gpu(results):
    rec = results["pretrain-8b"]
    assert rec.branch == CLUSTER_PRETRAIN and rec.proposals
    for p in rec.proposals:
        assert p.build.kind == CLUSTER and p.build.nodes >= 2
        fabric = sum(i.quantity for i in p.build.network if i.part.speed_gbps >= 400)
        assert fabric >= p.build.gpus_per_node


@pytest.mark.parametrize("name", list(CASES))
def test_every_proposal_passes_the_rules_and_fits_also_after_a_file_round_trip(results, catalog, name):
    rec = results[name]
    assert rec.proposals, rec.notes
    tiers = [p.tier for p in rec.proposals]
    assert tiers == [t for t in TIERS if t in tiers]  # ordered good, better, best
    prices = [p.price_total for p in rec.proposals]
    assert prices == sorted(prices) and len(set(prices)) == len(prices)
    for p in rec.proposals:
        again = from_dict(json.loads(json.dumps(to_dict(p.build))), catalog)
        a = analyze(again, catalog)
        assert not a.has_errors, [(f.code, f.message) for f in a.findings if f.severity == "error"]
        assert a.fits is True
        assert a.price.total == p.price_total
        if a.inference is not None:
            r = a.inference.result
            assert r.per_user_tokens_per_s >= MIN_TOKENS_PER_S
            assert r.max_users_at_context >= CASES[name].users
            assert f"{present.tokens_per_s(r.per_user_tokens_per_s)} per user" in p.summary
            assert f"{r.max_users_at_context:,} users" in p.summary
        else:
            assert a.training.result.fits
            assert "per GPU" in p.summary and "tokens at" in p.summary


def test_each_tier_is_an_upgrade_on_the_one_before(results):
    for rec in results.values():
        for lo, hi in zip(rec.proposals, rec.proposals[1:]):
            a, b = lo.analysis, hi.analysis
            if a.inference is not None:
                ra, rb = a.inference.result, b.inference.result
                assert (rb.per_user_tokens_per_s > ra.per_user_tokens_per_s
                        or rb.max_users_at_context > ra.max_users_at_context)
            else:
                assert b.training.result.train_time_s < a.training.result.train_time_s


def test_a_budget_keeps_proposals_below_it_or_says_what_the_cheapest_costs(catalog):
    rec = recommend(Request("infer", "llama-3.1-70b", "q4_k_m", users=8, budget=Decimal("30000")), catalog)
    assert rec.proposals and all(p.price_total <= Decimal("30000") for p in rec.proposals)
    none = recommend(Request("infer", "llama-3.1-70b", "q4_k_m", users=8, budget=Decimal("1000")), catalog)
    assert none.proposals == () and "cheapest build that fits costs" in none.notes[0]


@pytest.mark.parametrize("req, words", [
    (Request("infer", "no-such-model"), "unknown model"),
    (Request("infer", "llama-3.1-70b", "q9"), "unknown precision"),
    (Request("infer", "llama-3.1-70b", users=0), "users"),
    (Request("cook", "llama-3.1-70b"), "mode"),
    (Request("infer", "llama-3.1-70b", budget="-5"), "budget"),
])
def test_bad_requests_are_refused_with_a_reason(catalog, req, words):
    with pytest.raises(ConfiguratorError, match=words):
        recommend(req, catalog)


@pytest.fixture
def run_cli(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))

    def run(*argv):
        rc = cli.run(list(argv))
        out, err = capsys.readouterr()
        return rc, out, err

    return run


def test_cli_json_contract(run_cli, catalog):
    rc, out, _ = run_cli("recommend", "--model", "llama-3.1-70b", "--precision", "q4_k_m", "--users", "8",
                         "--json")
    assert rc == 0
    data = json.loads(out)
    assert [p["tier"] for p in data["proposals"]] == ["good", "better", "best"]
    for p in data["proposals"]:
        assert set(p) >= {"tier", "build", "price_total", "summary"}
        build = from_dict(p["build"], catalog)
        assert str(analyze(build, catalog).price.total) == p["price_total"]
        assert build.kind == WORKSTATION


def test_cli_training_mode_and_bad_input(run_cli):
    rc, out, _ = run_cli("recommend", "--mode", "train", "--model", "llama-3.1-70b", "--json")
    assert rc == 0 and all(p["build"]["kind"] in ("sxm_server", "cluster") for p in json.loads(out)["proposals"])
    rc, _, err = run_cli("recommend", "--model", "nope", "--json")
    assert rc == 2 and err.count("\n") == 1 and "unknown model" in err
    rc, _, err = run_cli("recommend", "--model", "llama-3.1-70b", "--budget", "lots")
    assert rc == 2 and "budget" in err
