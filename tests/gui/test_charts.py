"""Live charts: each chart holds exactly the analysis' arrays, follows the build through the document,
turns red over capacity, switches to training, shows the sizing problem when there is nothing to chart,
and renders to PNG for the quote."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtGui import QImage

from configurator.core.sizing import EXPLANATIONS
from configurator.ui.views.chart_panel import ChartPanel
from configurator.charts.render import CHART_TYPES, render_chart_png
from configurator.charts.style import MARKER, NO_FIT
from configurator.present import memory_value
from configurator.charts.throughput_chart import split_fit
from configurator.ui.document import BuildDocument
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"
WORKSTATION = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"
TRAINING = EXAMPLES / "hgx-8x-b200.json"


def y_data(item) -> np.ndarray:
    return np.asarray(item.yData, dtype=float)  # as given to setData (getData() is log-transformed)


def x_data(item) -> np.ndarray:
    return np.asarray(item.xData, dtype=float)


@pytest.fixture
def doc(catalog, qtbot):
    document = BuildDocument(catalog)
    document.open(WORKSTATION)
    document.recompute()
    return document


@pytest.fixture
def panel(doc, qtbot):
    widget = ChartPanel(doc)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def set_inference(doc, **changes):
    w = doc.build.workload
    doc.set_workload(replace(w, inference=replace(w.inference, **changes)))
    return doc.recompute()


def test_throughput_curves_hold_the_decode_sweep(doc, panel):
    a = doc.analysis
    chart = panel.charts["throughput"]
    d = a.inference.decode
    per_user = d.per_user_tokens_per_s[:, 0]
    fits = d.fits[:, 0]
    assert not fits.all() and fits.any()  # the example runs out of memory before 512 users
    fit, no_fit = split_fit(per_user, fits)
    np.testing.assert_array_equal(x_data(chart.per_user), d.users)
    np.testing.assert_array_equal(y_data(chart.per_user), fit)
    np.testing.assert_array_equal(y_data(chart.per_user_no_fit), no_fit)
    np.testing.assert_array_equal(y_data(chart.ceiling), d.ceiling_tokens_per_s[:, 0])
    agg_fit, _ = split_fit(d.aggregate_tokens_per_s[:, 0], fits)
    np.testing.assert_array_equal(y_data(chart.aggregate), agg_fit)
    # together the two per-user lines cover the whole sweep
    joined = np.where(np.isnan(y_data(chart.per_user)), y_data(chart.per_user_no_fit), y_data(chart.per_user))
    np.testing.assert_array_equal(joined, per_user)
    # the marker sits at the build's users on the figure at that point
    assert x_data(chart.marker).tolist() == [doc.build.workload.inference.users]
    assert y_data(chart.marker).tolist() == [a.inference.result.per_user_tokens_per_s]
    assert chart.max_fit_users == int(d.users[fits].max())
    assert chart.limit_line.isVisible()


def test_users_fit_and_ttft_hold_their_sweeps(doc, panel):
    inf = doc.analysis.inference
    uf, ttft = panel.charts["users_fit"], panel.charts["ttft"]
    np.testing.assert_array_equal(x_data(uf.curve), inf.users_fit.contexts)
    np.testing.assert_array_equal(y_data(uf.curve), inf.users_fit.max_users)
    assert x_data(uf.marker).tolist() == [doc.build.workload.inference.context_tokens]
    assert y_data(uf.marker).tolist() == [inf.result.max_users_at_context]
    np.testing.assert_array_equal(x_data(ttft.curve), inf.ttft.prompts)
    np.testing.assert_array_equal(y_data(ttft.curve), inf.ttft.ttft_s)
    np.testing.assert_array_equal(y_data(ttft.ideal), inf.ttft.ceiling_prefill_s)
    assert x_data(ttft.marker).tolist() == [doc.build.workload.inference.prompt_tokens]
    assert y_data(ttft.marker).tolist() == [inf.result.ttft_s]


def test_memory_chart_stacks_the_breakdown_and_is_not_red_when_it_fits(doc, panel):
    mem = doc.analysis.inference.result.memory
    chart = panel.charts["memory"]
    assert mem.fits
    assert chart.values_gb["weights"] == pytest.approx(memory_value(mem.weights_bytes))
    assert chart.values_gb["kv_cache"] == pytest.approx(memory_value(mem.kv_cache_bytes))
    assert chart.total_gb == pytest.approx(memory_value(mem.total_bytes))
    assert chart.capacity_line.value() == pytest.approx(memory_value(mem.capacity_bytes))
    assert chart.segment("kv_cache") == pytest.approx((memory_value(mem.weights_bytes), memory_value(mem.kv_cache_bytes)))
    assert not chart.over
    assert chart.capacity_line.pen.color().name() == MARKER
    assert not chart.overflow.isVisible()
    assert "fits" in chart.headline_text


def test_memory_chart_turns_red_over_capacity_and_back(doc, panel):
    chart = panel.charts["memory"]
    a = set_inference(doc, precision="fp16", users=64)  # 70B fp16 for 64 users on two 96 GB cards
    mem = a.inference.result.memory
    assert not mem.fits
    assert chart.over
    assert chart.capacity_line.pen.color().name() == NO_FIT
    assert chart.overflow.isVisible()
    assert chart.overflow.opts["width"][0] == pytest.approx(memory_value(mem.total_bytes - mem.capacity_bytes))
    assert "over by" in chart.headline_text
    doc.undo_stack.undo()
    doc.recompute()
    assert not chart.over
    assert chart.capacity_line.pen.color().name() == MARKER
    assert not chart.overflow.isVisible()


def test_build_changes_through_the_document_reach_the_charts(doc, panel, qtbot):
    chart = panel.charts["memory"]
    throughput = panel.charts["throughput"]
    weights_two = chart.values_gb["weights"]
    old_curve = y_data(throughput.ceiling).copy()
    assert doc.place("rtx-pro-6000-maxq")
    with qtbot.waitSignal(doc.analysis_ready, timeout=2000):  # the document's own debounced recompute
        pass
    assert len(doc.build.gpus) == 3
    assert chart.values_gb["weights"] == pytest.approx(weights_two * 2 / 3, rel=1e-6)  # weights split 3 ways
    np.testing.assert_array_equal(y_data(throughput.ceiling), doc.analysis.inference.decode.ceiling_tokens_per_s[:, 0])
    assert not np.array_equal(y_data(throughput.ceiling), old_curve)
    # a slider step moves the marker
    users = doc.build.workload.inference.users
    w = doc.build.workload
    doc.set_workload(replace(w, inference=replace(w.inference, users=users + 1)), merge_key="users")
    with qtbot.waitSignal(doc.analysis_ready, timeout=2000):
        pass
    assert x_data(throughput.marker).tolist() == [users + 1]


def test_updates_reuse_the_plot_items(doc, panel):
    chart = panel.charts["throughput"]
    before = [id(i) for i in chart.plot.items]
    for users in (5, 6, 7):
        set_inference(doc, users=users)
    assert [id(i) for i in chart.plot.items] == before


def test_training_workload_shows_the_training_chart(doc, panel):
    w = doc.build.workload
    doc.set_workload(replace(w, kind="training"))
    a = doc.recompute()
    assert a.training is not None
    assert panel.showing == "training"
    assert panel.visible_charts() == ["memory", "training"]
    chart = panel.charts["training"]
    assert chart.isVisible() and not panel.charts["throughput"].isVisible()
    assert not chart.is_empty
    sw = a.training.sweep
    fits = np.asarray(sw.fits, dtype=bool)
    time = sw.train_time_s / chart.time_unit_s
    np.testing.assert_array_equal(x_data(chart.share_curve), sw.gpus)
    np.testing.assert_array_equal(y_data(chart.share_curve), sw.allreduce_share * 100.0)
    np.testing.assert_array_equal(y_data(chart.time_curve), np.where(fits, time, np.nan))
    assert x_data(chart.time_marker).tolist() == [a.system.total_gpus]
    assert y_data(chart.time_marker)[0] == pytest.approx(a.training.result.train_time_s / chart.time_unit_s)
    # the memory chart now stacks the training breakdown (gradients and optimizer states)
    mem = a.training.result.memory
    assert mem.optimizer_bytes > 0
    assert panel.charts["memory"].values_gb["optimizer"] == pytest.approx(memory_value(mem.optimizer_bytes))
    doc.undo_stack.undo()
    doc.recompute()
    assert panel.showing == "inference"


def test_no_gpu_shows_the_sizing_problem(doc, panel):
    doc.new()
    a = doc.recompute()
    assert a.inference is None and a.training is None and a.sizing_problem
    for name in panel.visible_charts():
        chart = panel.charts[name]
        assert chart.is_empty and chart.empty.isVisible()
        assert chart.empty_text() == a.sizing_problem
    doc.open(WORKSTATION)
    doc.recompute()
    assert not any(panel.charts[n].is_empty for n in panel.visible_charts())


def test_tooltips_explain_the_computation(panel):
    assert "Per-user tok/s = 1/step" in panel.charts["throughput"].toolTip()
    assert "free bytes / KV bytes per user" in panel.charts["users_fit"].toolTip()
    assert "Time to first token" in panel.charts["ttft"].toolTip()
    assert "NCCL-tests" in panel.charts["training"].toolTip()
    assert EXPLANATIONS["memory"][:40] in panel.charts["memory"].toolTip()


@pytest.mark.parametrize("name", sorted(CHART_TYPES))
def test_render_chart_png_has_the_requested_size(doc, name, qapp):
    png = render_chart_png(name, doc.analysis, 640, 360)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage.fromData(png, "PNG")
    assert (image.width(), image.height()) == (640, 360)
    # something is drawn: not a blank page
    colors = {image.pixel(x, y) for x in range(0, 640, 16) for y in range(0, 360, 16)}
    assert len(colors) > 2


def test_render_chart_png_of_a_training_build_and_of_nothing(catalog, qapp):
    doc = BuildDocument(catalog)
    doc.open(TRAINING)
    a = doc.recompute()
    image = QImage.fromData(render_chart_png("training", a, 500, 300), "PNG")
    assert (image.width(), image.height()) == (500, 300)
    doc.new()
    empty = doc.recompute()
    image = QImage.fromData(render_chart_png("memory", empty, 300, 120), "PNG")
    assert (image.width(), image.height()) == (300, 120)
    with pytest.raises(ValueError):
        render_chart_png("pie", a, 10, 10)
