"""ROI: the assumptions (editable, saved with the build) and the on-premises vs cloud chart."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from configurator.charts.registry import create_chart
from configurator.charts.roi_chart import NO_ROI
from configurator.core.roi import HORIZONS
from configurator.present import roi_summary
from configurator.ui.lazy import RefreshWhenShown

# field -> (label, minimum, maximum, decimals, suffix); 0 cloud rate means "the catalog's rate"
FIELDS = {
    "hours_per_day": ("GPU hours per day", 0.5, 24, 1, " h"),
    "kwh_price": ("Electricity", 0, 2, 3, " USD/kWh"),
    "pue": ("PUE", 1, 5, 2, ""),
    "utilisation": ("Power while working", 1, 100, 0, " %"),
    "support_per_month": ("Support contract", 0, 1_000_000, 2, " USD/month"),
    "cloud_rate": ("Cloud rate (0 = catalog)", 0, 1000, 2, " USD/GPU-h"),
}


class RoiPanel(RefreshWhenShown, QWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("roi")
        self.document = document
        self._updating = False
        self.spins: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout()
        for name, (label, low, high, decimals, suffix) in FIELDS.items():
            spin = QDoubleSpinBox(self)
            spin.setRange(low, high)
            spin.setDecimals(decimals)
            spin.setSuffix(suffix)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda _=None, n=name: self._commit(n))
            self.spins[name] = spin
            form.addRow(label, spin)
        self.months = QSpinBox(self)
        self.months.setRange(1, 120)
        self.months.setSuffix(" months")
        self.months.valueChanged.connect(lambda _=None: self._commit("months"))
        form.addRow("Horizon", self.months)
        self.chart = create_chart("roi", self)
        self.summary = QLabel(NO_ROI)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.summary)
        document.build_changed.connect(self._build_changed)
        document.analysis_ready.connect(self.offer)  # out of sight: shown when it comes into view
        self.show_assumptions()

    def show_analysis(self, analysis) -> None:
        self.chart.show_analysis(analysis)
        if analysis.roi is not None:
            self.summary.setText(roi_summary(analysis.roi, HORIZONS))
        else:
            self.summary.setText(analysis.roi_problem or NO_ROI)

    def _build_changed(self, event) -> None:
        if event.section in ("roi", "all") and not self._updating:
            self.show_assumptions()

    def show_assumptions(self) -> None:
        a = self.document.build.roi
        self._updating = True
        try:
            for name, spin in self.spins.items():
                value = getattr(a, name)
                if name == "utilisation":
                    value = value * 100
                spin.setValue(float(value or 0))
            self.months.setValue(a.months)
        finally:
            self._updating = False

    def _commit(self, name: str) -> None:
        if self._updating:
            return
        if name == "months":
            value = self.months.value()
        else:
            # The spin box shows a rounded decimal; its text is the exact value the user sees.
            value = Decimal(str(round(self.spins[name].value(), self.spins[name].decimals())))
            if name == "utilisation":
                value = value / 100
            if name == "cloud_rate" and value == 0:
                value = None
        self.document.set_roi(replace(self.document.build.roi, **{name: value}), merge_key=f"roi-{name}")
