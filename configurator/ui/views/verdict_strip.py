"""The verdict strip: always visible above the build, one cell per question (fits? speed per user? first token?
time to train? can it be quoted? price), each with its state in words and in colour. A click (or Enter/Space on a
focused cell) asks for the chart or panel that explains it (``activated(key)``).

Every text comes from configurator.present.verdict; the strip only places it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from configurator.present.verdict import BAD, FAIR, GOOD, NEUTRAL, VerdictItem, verdict

# State colours for light and dark palettes: (light, dark). Green / amber / red with their words beside them.
STATE_COLOURS = {GOOD: ("#1b5e20", "#81c784"), FAIR: ("#8a5a00", "#ffcc80"), BAD: ("#b71c1c", "#ef9a9a"),
                 NEUTRAL: ("", "")}


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class VerdictCell(QFrame):
    activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.key = ""
        self.item: VerdictItem | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title = QLabel(self)
        self.title.setObjectName("verdict-title")
        self.value = QLabel(self)
        self.value.setObjectName("verdict-value")
        self.detail = QLabel(self)
        self.detail.setObjectName("verdict-detail")
        for label in (self.title, self.value, self.detail):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.value.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.value.setFont(font)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 4, 8, 4)
        box.setSpacing(0)
        box.addWidget(self.title)
        box.addWidget(self.value)
        box.addWidget(self.detail)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def show_item(self, item: VerdictItem) -> None:
        self.item = item
        self.key = item.key
        self.title.setText(item.title)
        self.value.setText(f"{item.mark} {item.value}".strip())
        self.detail.setText(item.detail)
        self.detail.setVisible(bool(item.detail))
        light, dark = STATE_COLOURS[item.state]
        colour = dark if is_dark(self) else light
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.setAccessibleName(item.text)
        self.setToolTip(f"{item.text}\nClick to see the chart that explains it.")

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activated.emit(self.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.key)
            return
        super().keyPressEvent(event)


class VerdictStrip(QWidget):
    """Follows ``document.analysis_ready``; ``show_price`` is off where prices must not show (never cost)."""

    activated = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.setObjectName("verdict-strip")
        self.setAccessibleName("Verdict")
        self.show_price = True
        self.cells: list[VerdictCell] = []
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(4, 4, 4, 4)
        self.row.setSpacing(6)
        self.analysis = None
        document.analysis_ready.connect(self.show_analysis)
        if document.analysis is not None:
            self.show_analysis(document.analysis)

    def items(self) -> list[VerdictItem]:
        return [c.item for c in self.cells if c.item is not None and not c.isHidden()]

    def show_analysis(self, analysis) -> None:
        self.analysis = analysis
        items = verdict(analysis, show_price=self.show_price) if analysis is not None else []
        while len(self.cells) < len(items):
            cell = VerdictCell(self)
            cell.activated.connect(self.activated)
            self.row.addWidget(cell, 1)
            self.cells.append(cell)
        for cell, item in zip(self.cells, items):
            cell.show_item(item)
            cell.show()
        for cell in self.cells[len(items):]:
            cell.item = None
            cell.hide()

    def set_show_price(self, on: bool) -> None:
        self.show_price = on
        if self.analysis is not None:
            self.show_analysis(self.analysis)
