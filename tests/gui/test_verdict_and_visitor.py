"""The verdict strip says the analysis' answer in words, a click on it shows the chart that explains it, and
visitor mode shows the build, the verdict and two charts with no dealer cost or margin anywhere on screen."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTextBrowser, QTableView, QWidget

from configurator import present
from configurator.present.verdict import BAD, GOOD, verdict
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"


@pytest.fixture
def window(qtbot, app_context):
    from configurator.ui.main_window import MainWindow

    w = MainWindow(app_context, ask=lambda _title, _question: True)  # closing with changes: yes, discard
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    w.document.open(EXAMPLES / "hgx-8x-h200.json")
    w.document.recompute()
    return w


def test_the_strip_shows_the_verdict_of_the_analysis(window):
    items = window.verdict.items()
    assert items == verdict(window.document.analysis)
    memory = next(i for i in items if i.key == "memory")
    r = window.document.analysis.inference.result
    assert memory.value == "Fits" and memory.state == GOOD
    assert present.memory(r.memory.capacity_bytes) in memory.detail
    speed = next(c for c in window.verdict.cells if c.key == "speed")
    s = window.document.analysis.inference.serving  # what users feel under load: the serving estimate
    assert s is not None and s.fits
    assert present.tokens_per_s(s.per_user_tokens_per_s_p50) in speed.value.text()
    ttft = next(c for c in window.verdict.cells if c.key == "ttft")
    assert present.duration(s.ttft_s_p95) in ttft.value.text() and "p95" in ttft.detail.text()
    assert speed.accessibleName() == speed.item.text


def test_does_not_fit_reads_in_the_strip_and_leaves_out_speed(window):
    window.document.open(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")
    w = window.document.build.workload
    window.document.set_workload(replace(w, inference=replace(w.inference, model_id="llama-3.1-405b",
                                                              precision="fp8")))
    window.document.recompute()
    # 405B in fp8 is 405 GB of weights: more than two 96 GB cards
    assert window.document.analysis.inference.result.max_users_at_context < 1
    items = {i.key: i for i in window.verdict.items()}
    assert items["memory"].value == "Does not fit" and items["memory"].state == BAD
    assert "speed" not in items and "ttft" not in items
    assert items["checks"].state == BAD and items["checks"].value == "1 error"


def test_a_click_on_a_cell_shows_its_chart(window, qtbot):
    window.charts.set_visitor(True)  # the time-to-first-token chart is hidden in visitor mode ...
    assert window.charts.charts["ttft"].isHidden()
    cell = next(c for c in window.verdict.cells if c.key == "ttft")
    qtbot.mouseClick(cell, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert window.charts.revealed == "ttft" and not window.charts.charts["ttft"].isHidden()  # ... shown on click
    speed = next(c for c in window.verdict.cells if c.key == "speed")
    speed.setFocus()
    qtbot.keyClick(speed, Qt.Key.Key_Return)
    assert window.charts.revealed == "throughput"


def _visible_texts(root: QWidget) -> list[str]:
    texts = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        elif isinstance(w, QTextBrowser):
            texts.append(w.toPlainText())
        elif isinstance(w, QTableView) and w.model() is not None:
            m = w.model()
            texts += [str(m.index(r, c).data() or "") for r in range(m.rowCount()) for c in range(m.columnCount())]
            texts += [str(m.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(m.columnCount())]
        texts.append(w.toolTip())
    return texts


def test_visitor_mode_shows_no_cost_or_margin_in_the_internal_edition(window):
    assert window.context.edition == "internal"
    before = " ".join(_visible_texts(window)).lower()
    assert "dealer cost" in before and "margin" in before  # the internal window shows them ...
    window.set_presentation(True)
    QApplication.processEvents()
    text = " ".join(_visible_texts(window)).lower()
    assert "dealer cost" not in text and "margin" not in text  # ... visitor mode never does
    assert not any(d.isVisible() for d in window.docks())
    assert window.verdict.isVisible() and window.build_view.isVisible()
    assert window.charts.visible_charts() == ["memory", "throughput"]
    assert QApplication.font().pointSizeF() >= 1.5 * window._base_font.pointSizeF() - 0.01
    window.set_presentation(False)
    assert window.price_dock.isVisible()


def test_hide_internal_figures_outside_visitor_mode(window):
    window.hide_internal_action.setChecked(True)
    window.set_hide_internal(True)
    assert "dealer cost" not in window.price.label.text().lower()
    window.set_hide_internal(False)
    assert "dealer cost" in window.price.label.text().lower()


def test_touch_scrolling_and_accessible_names(window):
    from PySide6.QtWidgets import QAbstractScrollArea, QFormLayout, QScroller

    for area in (window.build_scroll, window.catalog_browser.current_tab().table, window.findings.table):
        assert QScroller.hasScroller(area.viewport())
    names = []
    for form in window.workload.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if field is not None and field.widget() is not None:
                names.append(field.widget().accessibleName())
    assert names and all(names), names
    assert "Concurrent users" in names
    assert window.build_view.accessibleName() == "Build" and window.verdict.accessibleName() == "Verdict"
    assert all(c.accessibleName() for c in window.verdict.cells if not c.isHidden())


def test_panels_out_of_sight_refresh_when_shown(window):
    roi = window.roi
    window.roi_dock.hide()  # out of sight (closed, or tabbed behind another dock)
    QApplication.processEvents()
    assert not roi.isVisible()
    shown = roi.summary.text()
    w = window.document.build.workload
    window.document.set_workload(replace(w, inference=replace(w.inference, users=w.inference.users + 7)))
    window.document.set_roi(replace(window.document.build.roi, hours_per_day=window.document.build.roi.hours_per_day / 2))
    analysis = window.document.recompute()
    assert roi.summary.text() == shown  # nothing redrawn out of sight
    window.roi_dock.show()
    QApplication.processEvents()
    assert roi.summary.text() == present.roi_summary(analysis.roi, __import__("configurator.core.roi", fromlist=["HORIZONS"]).HORIZONS)
