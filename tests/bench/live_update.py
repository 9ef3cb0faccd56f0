"""Benchmark: time from a build change to the live charts holding the new data and having repainted.

Opens an example build in a BuildDocument with a visible ChartPanel, then makes 200 changes, alternating a
drop-like change (place a GPU, then remove it again) and a slider step (users + 1, merged like a slider drag).
Each sample runs from the change call until the charts hold the new analysis and have repainted: the document's
recompute (rules, pricing, sizing; called directly instead of waiting up to a frame for the debounce timer),
the charts' setData, pending events, and a synchronous repaint of the panel. Every sample is checked: the
charts must show the new figures and every visible chart must have painted.
Last line: live_update_p95_ms=<p95>. Target: under 16 ms (one 60 Hz frame); aim for 8.
Run: .venv/bin/python tests/bench/live_update.py [example.json]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from configurator.catalog import CatalogRepository  # noqa: E402
from configurator.catalog.build import build_catalog  # noqa: E402
from configurator.ui.views.chart_panel import ChartPanel  # noqa: E402
from configurator.ui.document import BuildDocument  # noqa: E402
from configurator.present import memory_value  # noqa: E402

CHANGES = 200
WARMUP = 10
EXAMPLE = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"
DROP_PART = "rtx-pro-6000-maxq"


class PaintCounter(QObject):
    def __init__(self, widgets):
        super().__init__()
        self.count = {id(w): 0 for w in widgets}
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.count[id(watched)] += 1
        return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    example = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE
    app = QApplication.instance() or QApplication([])
    tmp = tempfile.TemporaryDirectory()
    catalog = CatalogRepository(build_catalog(Path(tmp.name) / "catalog.sqlite", edition="internal"))
    doc = BuildDocument(catalog)
    doc.open(example)
    panel = ChartPanel(doc)
    panel.resize(1280, 800)
    panel.show()
    app.processEvents()
    doc.recompute()
    app.processEvents()
    viewports = {name: panel.charts[name].viewport() for name in panel.charts}
    painted = PaintCounter(viewports.values())

    placed = False
    samples: list[float] = []
    by_kind: dict[str, list[float]] = {"drop": [], "slider": []}
    for i in range(WARMUP + CHANGES):
        before = {name: painted.count[id(viewports[name])] for name in panel.visible_charts()}
        t0 = time.perf_counter()
        if i % 2 == 0:  # a drop, and the next time the part is dragged out again
            if placed:
                doc.remove(DROP_PART)
            else:
                assert doc.place(DROP_PART), "the example build has no room for the dropped GPU"
            placed = not placed
        else:  # one slider step
            w = doc.build.workload
            doc.set_workload(replace(w, inference=replace(w.inference, users=w.inference.users + 1)), merge_key="users")
        analysis = doc.recompute()
        app.processEvents()
        panel.repaint()
        t1 = time.perf_counter()
        if i >= WARMUP:
            samples.append((t1 - t0) * 1000.0)
            by_kind["drop" if i % 2 == 0 else "slider"].append((t1 - t0) * 1000.0)
        # the charts hold the new figures and every visible chart painted
        figures = analysis.inference or analysis.training
        assert abs(panel.charts["memory"].total_gb - memory_value(figures.result.memory.total_bytes)) < 1e-6
        if analysis.inference is not None:
            assert panel.charts["throughput"].marker.xData[0] == doc.build.workload.inference.users
        for name, count in before.items():
            assert painted.count[id(viewports[name])] > count, f"{name} did not repaint"

    p50 = statistics.median(samples)
    p95 = percentile(samples, 95)
    print(f"example: {example.name}; {CHANGES} changes (drops and slider steps), visible: {', '.join(panel.visible_charts())}")
    for kind, values in by_kind.items():
        print(f"  {kind:6s}: p50 {statistics.median(values):.2f} ms, p95 {percentile(values, 95):.2f} ms")
    print(f"all: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(samples):.2f} ms")
    print(f"live_update_p95_ms={p95:.2f}")
    panel.close()
    panel.deleteLater()
    catalog.close()


if __name__ == "__main__":
    main()
