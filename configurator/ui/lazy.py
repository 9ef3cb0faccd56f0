"""Panels that are out of sight (a dock tabbed behind another, a hidden dock) skip the work of showing each
new analysis and show the latest one when they come into view: a slider drag repaints what is on screen only."""

from __future__ import annotations


class RefreshWhenShown:
    """Mixed into a QWidget with ``show_analysis(analysis)``; connect ``document.analysis_ready`` to ``offer``."""

    _pending = None

    def offer(self, analysis) -> None:
        if self.isVisible() or not self.window().isVisible():  # a panel of a window not shown yet stays current
            self._pending = None
            self.show_analysis(analysis)
        else:
            self._pending = analysis

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.show_analysis(pending)
