"""The compare view shows three builds' figures exactly as the core's analyze() gives them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from configurator.core.analysis import analyze
from configurator.core.configuration import Build
from configurator.core.buildfile import load
from configurator.core.rules.power import power_budget
from configurator.core.workload import INFERENCE, TRAINING
from configurator.present import count, duration, findings_summary, memory_fit, money, tokens_per_s, watts
from configurator.ui.views.compare_view import CompareView
from tests.unit.test_build_helpers import EXAMPLES

NAMES = ("ws-2x-rtxpro6000-maxq.json", "hgx-8x-h200.json", "hgx-8x-b200.json")


@pytest.fixture
def builds(catalog):
    return [load(EXAMPLES / n, catalog) for n in NAMES]


def as_kind(build, kind):
    copy = Build(build.catalog, build.kind)
    copy.assign(build)
    copy.set_workload(replace(build.workload, kind=kind))
    return copy


def test_the_three_builds_show_the_cores_figures(qtbot, catalog, builds):
    view = CompareView(catalog)
    qtbot.addWidget(view)
    view.set_builds(builds)
    assert view.table.columnCount() == 3
    for col, build in enumerate(builds):
        inf = analyze(as_kind(build, INFERENCE), catalog)
        tr = analyze(as_kind(build, TRAINING), catalog)
        r = inf.inference.result
        w = build.workload.inference
        assert view.text("Price", col) == money(inf.price.total, inf.price.currency)
        assert view.text("GPUs", col) == f"{build.total_gpus} x {inf.system.gpu.name}"
        assert view.text("Total GPU memory", col) == f"{inf.system.gpu.memory_gb * build.total_gpus:,.0f} GB"
        assert view.text("Bandwidth per GPU", col) == f"{inf.system.gpu.bandwidth_tb_s:g} TB/s"
        assert view.text("Memory fit", col) == memory_fit(r.memory)
        assert ("fits" in view.text("Memory fit", col)) == r.memory.fits
        assert view.text("Tokens/s per user", col) == f"{tokens_per_s(r.per_user_tokens_per_s)} at {count(w.users, 'user')}"
        assert view.text("Most users", col) == f"{r.max_users_at_context:,} at {w.context_tokens:,} tokens"
        if tr.training.result.fits:
            assert view.text("Time to train", col) == duration(tr.training.result.train_time_s)
        else:  # no time for a run the build cannot hold
            assert view.text("Time to train", col) == "— (does not fit)"
        assert view.text("Power at the wall", col) == watts(power_budget(build).wall_w * build.nodes)
        assert view.text("Findings", col) == findings_summary(inf.findings)
    # the throughput curves are the core's decode sweeps (users that fit)
    x, y = view.chart.curves[0].getData()
    sweep = analyze(as_kind(builds[0], INFERENCE), catalog).inference.decode
    assert list(y) == list(sweep.per_user_tokens_per_s[sweep.fits[:, 0], 0])


def test_a_common_workload_and_the_three_build_limit(qtbot, catalog, builds):
    view = CompareView(catalog)
    qtbot.addWidget(view)
    w = replace(builds[1].workload, inference=replace(builds[1].workload.inference, users=100))
    view.set_builds(builds[:2], workload=w)
    assert view.table.columnCount() == 2
    for col, fig in enumerate(view.figures):  # no speed for a workload the build cannot hold
        fits = fig.inference.inference.result.fits
        assert "at 100 users" in view.text("Tokens/s per user", col)
        assert view.text("Tokens/s per user", col).startswith("—") == (not fits)
    assert [f.inference.inference.result.fits for f in view.figures] == [False, True]
    with pytest.raises(ValueError):
        view.set_builds(builds + builds[:1])
    view.set_builds([])
    assert view.table.columnCount() == 0
