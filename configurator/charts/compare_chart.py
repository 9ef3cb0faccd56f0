"""Per-user tokens/s against concurrent users for up to three builds overlaid (the compare view).

Follows the chart contract with a comparison as its subject: ``show_analysis([(name, analysis), ...])``
plots each analysis' decode sweep where the build fits; with no inference figure in any of them it shows
why instead.
"""

from __future__ import annotations

from configurator.charts.base import PlotChart
from configurator.charts.style import add_legend, pen

COLOURS = ("#1f6fb4", "#e07b00", "#2e7d32")
NO_CURVE = "No build in the comparison has inference figures to plot."


class CompareChart(PlotChart):
    name = "compare"

    def __init__(self, parent=None):
        super().__init__("Per-user decode speed of each build at 1 to 512 concurrent users, where it fits in memory.",
                         parent, log_x=False)
        p = self.plot
        p.setLabel("bottom", "Concurrent users")
        p.setLabel("left", "Tokens/s per user")
        p.setLogMode(x=True, y=False)
        self.legend = add_legend(p)
        self.curves = [p.plot([], [], pen=pen(c)) for c in COLOURS]

    def show_analysis(self, subject) -> None:
        """``subject``: the comparison, or one Analysis (a comparison of one, as the PDF renders it)."""
        if subject is not None and not isinstance(subject, (list, tuple)):
            subject = [(subject.system.gpu.name if subject.system else "", subject)]
        super().show_analysis(subject)

    @staticmethod
    def _sweep(analysis):
        return analysis.inference.decode if analysis is not None and analysis.inference is not None else None

    def problem(self, named) -> str | None:
        return None if any(self._sweep(a) is not None for _, a in named) else NO_CURVE

    def update_figures(self, named) -> None:
        self.legend.clear()
        top = 1.0
        for i, curve in enumerate(self.curves):
            sweep = self._sweep(named[i][1]) if i < len(named) else None
            if sweep is None:
                curve.setData([], [])
                continue
            fits = sweep.fits[:, 0]
            users, speed = sweep.users[fits], sweep.per_user_tokens_per_s[fits, 0]
            curve.setData(users, speed)
            self.legend.addItem(curve, named[i][0])
            if len(speed):
                top = max(top, float(speed.max()))
        self.plot.setXRange(0, 2.71, padding=0)  # log10: 1 to 512 users
        self.plot.setYRange(0, top * 1.05, padding=0)
