"""A workload that does not fit the build is an error finding that blocks the quote, with no speed figure;
fewer users fitting than asked is a warning (core/rules/fit.py)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from configurator import cli, present
from configurator.core.analysis import analyze
from configurator.core.buildfile import dumps, load, loads
from configurator.core.rules.fit import DOES_NOT_FIT, USERS_EXCEED
from tests.unit.test_build_helpers import EXAMPLES


def _inference(build, **changes):
    w = build.workload
    build.set_workload(replace(w, inference=replace(w.inference, **changes)))
    return build


@pytest.fixture
def ws(catalog):
    return load(EXAMPLES / "ws-2x-rtxpro6000-maxq.json", catalog)


def _codes(analysis):
    return {f.code: f for f in analysis.findings}


def test_405b_on_two_rtx_pro_6000_is_an_error_without_speed_figures(ws, catalog):
    a = analyze(_inference(ws, model_id="llama-3.1-405b", precision="fp8"), catalog)
    f = _codes(a)[DOES_NOT_FIT]
    assert f.severity == "error" and "weights" in f.message and present.memory(
        a.inference.result.memory.capacity_bytes) in f.message
    assert a.has_errors
    labels = [label for label, _ in present.analysis_rows(a)]
    assert labels == ["Memory", "Users that fit at this context"]  # no tok/s, no time to first token
    assert "tok/s" not in " ".join(text for _, text in present.analysis_rows(a))


def test_no_room_for_one_users_kv_cache(ws, catalog):
    a = analyze(_inference(ws, model_id="llama-3.1-70b", precision="fp8", kv_precision="fp16",
                           context_tokens=1_000_000, users=1), catalog)
    f = _codes(a)[DOES_NOT_FIT]
    assert "KV cache" in f.message and "1,000,000 tokens" in f.message


def test_more_users_than_fit_is_a_warning_and_keeps_the_figures(ws, catalog):
    a = analyze(_inference(ws, users=1000), catalog)
    r = a.inference.result
    assert 1 <= r.max_users_at_context < 1000
    f = _codes(a)[USERS_EXCEED]
    assert f.severity == "warning" and f"Only {present.count(r.max_users_at_context, 'user')}" in f.message
    assert DOES_NOT_FIT not in _codes(a) and not a.has_errors
    assert any(label == "Expected speed per user" for label, _ in present.analysis_rows(a))


def test_fitting_examples_carry_no_fit_finding(catalog):
    for name in ("ws-2x-rtxpro6000-maxq", "hgx-8x-h200", "hgx-8x-b200", "cluster-4x8-h100"):
        codes = _codes(analyze(load(EXAMPLES / f"{name}.json", catalog), catalog))
        assert DOES_NOT_FIT not in codes and USERS_EXCEED not in codes, name


def test_training_that_does_not_fit(ws, catalog):
    w = ws.workload  # full fine-tuning of 405B on two 96 GB cards: 16 bytes a parameter is 6.5 TB
    ws.set_workload(replace(w, kind="training", training=replace(w.training, model_id="llama-3.1-405b",
                                                                  mode="full")))
    a = analyze(ws, catalog)
    assert not a.training.result.fits
    assert _codes(a)[DOES_NOT_FIT].message.startswith("Training Llama 3.1 405B does not fit")
    assert [label for label, _ in present.analysis_rows(a)] == ["Memory", "Expected time to train"]


def test_check_exits_1_and_quote_is_refused(ws, catalog, catalog_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))
    path = tmp_path / "405b.json"
    path.write_text(dumps(_inference(ws, model_id="llama-3.1-405b", precision="fp8")), encoding="utf-8")
    assert cli.run(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"ERROR   {DOES_NOT_FIT}" in out and "tok/s" not in out
    assert cli.run(["check", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert not data["ok"] and DOES_NOT_FIT in {f["code"] for f in data["findings"]}
    assert cli.run(["quote", str(path), "-o", str(tmp_path / "q.pdf")]) == 2
    err = capsys.readouterr().err
    assert DOES_NOT_FIT in err and err.count("\n") == 1 and not (tmp_path / "q.pdf").exists()
