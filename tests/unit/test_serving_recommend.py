"""`recommend` with a service level: every proposal meets it under simulated load, cheaper builds that miss it are
named with the reason, and an impossible level proposes nothing."""

from __future__ import annotations

import json

import pytest

from configurator import cli
from configurator.core.configuration import to_system_spec
from configurator.core.recommend import Request, recommend
from configurator.core.sizing.serving import Lengths, ServiceLevel, ServingBuild, ServingWorkload, serve

SLO_REQUEST = Request("infer", "llama-3.1-70b", "fp8", users=128, concurrency=128, input_tokens=1024,
                      output_tokens=256, slo_ttft_p95_s=1.0, slo_tpot_p95_s=0.030)


@pytest.fixture(scope="module")
def slo_rec(catalog):
    return recommend(SLO_REQUEST, catalog)


def test_every_proposal_meets_the_service_level_under_load(slo_rec, catalog):
    assert slo_rec.proposals
    for p in slo_rec.proposals:
        i = p.build.workload.inference
        system = to_system_spec(p.build)
        engine = catalog.engine(i.engine)
        b = ServingBuild(catalog.model(i.model_id), system, catalog.precision(i.precision),
                         catalog.precision(i.kv_precision), engine,
                         catalog.engine_efficiency(engine.id, system.gpu.gpu_class))
        r = serve(b, ServingWorkload(Lengths(1024), Lengths(256), concurrency=128, requests=384,
                                     slo=ServiceLevel(1.0, 0.030)))
        assert r.meets_slo and r.ttft_s_p95 <= 1.0 and r.tpot_s_p95 <= 0.030
        assert "P95 time to first token" in p.summary
    prices = [p.price_total for p in slo_rec.proposals]
    assert prices == sorted(prices)


def test_cheaper_rejected_builds_are_named_with_why(slo_rec):
    good = slo_rec.proposals[0].price_total
    misses = [n for n in slo_rec.notes if "misses the service level" in n]
    assert misses  # a 4-GPU H200 board holds the model but decodes too slowly for 128 users
    for n in misses:
        assert "P95" in n and "binds" in n and "128 users" in n
    assert all(not n.startswith(slo_rec.proposals[0].build.name + " (") for n in misses)
    assert good > 0


def test_an_impossible_level_proposes_nothing_and_says_so(catalog):
    rec = recommend(Request("infer", "llama-3.1-70b", "fp8", users=64, input_tokens=1024, output_tokens=256,
                            slo_ttft_p95_s=0.001), catalog)
    assert not rec.proposals
    assert any("meets the service level" in n for n in rec.notes)


def test_recommend_cli_accepts_the_service_level(catalog_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))
    rc = cli.run(["recommend", "--model", "llama-3.1-8b", "--slo-ttft-p95", "1", "--slo-tpot-p95", "40",
                  "--input-tokens", "512", "--output-tokens", "128", "--concurrency", "32", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["proposals"]
    rc = cli.run(["recommend", "--model", "llama-3.1-8b", "--slo-ttft-p95", "-1"])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "--slo-ttft-p95" in err
