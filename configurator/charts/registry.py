"""The one registry of charts: name -> chart class. The window's chart panel, the ROI panel, the compare view
and the PDF export (through render.py) all create charts from here.

The contract every chart follows (base.ChartState): ``chart.name`` is its registry name; ``show_analysis(analysis)``
takes a ``core.analysis.Analysis`` (or None; the compare chart takes its comparison, a list of (name, Analysis)) and either draws its figures or shows, over the chart, the reason it
has none (``problem(analysis)``); ``is_empty`` / ``empty_text()`` say which; ``set_grid(on)`` switches grid lines
(on in printed images). A chart formats no figure itself: its labels come from configurator.present.
"""

from __future__ import annotations

from configurator.charts.compare_chart import CompareChart
from configurator.charts.memory_chart import MemoryChart
from configurator.charts.roi_chart import RoiChart
from configurator.charts.throughput_chart import ThroughputChart
from configurator.charts.training_chart import TrainingChart
from configurator.charts.ttft_chart import TtftChart
from configurator.charts.users_fit_chart import UsersFitChart

CHARTS = {cls.name: cls for cls in (MemoryChart, ThroughputChart, UsersFitChart, TtftChart, TrainingChart, RoiChart,
                                              CompareChart)}
INFERENCE_CHARTS = ("throughput", "users_fit", "ttft")
TRAINING_CHARTS = ("training",)


def create_chart(name: str, parent=None):
    """A new chart widget of registry name ``name``."""
    try:
        cls = CHARTS[name]
    except KeyError:
        raise ValueError(f"unknown chart {name!r}; expected one of {', '.join(CHARTS)}") from None
    return cls(parent)
