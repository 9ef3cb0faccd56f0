"""Painting a BuildScene: frames, cards, empty slots, chips, selection, highlights, drop feedback.

Colours come from the widget palette where they mean "window" or "text"; the fixed ones carry
meaning (green: the drop lands here, red: it cannot, amber: named by the selected finding).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen

from configurator.ui.views.build_scene import SECTION_WORDS, BuildScene, Target

VALID = QColor(46, 157, 79)
INVALID = QColor(200, 48, 48)
HIGHLIGHT = QColor(232, 160, 0)
SELECTED = QColor(0, 120, 215)
CARD = QColor(56, 96, 150)
MODULE = QColor(70, 110, 80)
BOARD = QColor(36, 82, 52)
REASON_MAX_W = 360.0

# Words dropped from GPU names on cards, longest first ("RTX PRO 6000 Blackwell Max-Q Workstation
# Edition" -> "RTX PRO 6000 Max-Q"); the full name is in the tooltip and the parts table.
_SHORTEN = ((" Max-Q Workstation Edition", " Max-Q"), (" Workstation Edition", " WE"),
            (" Server Edition", " Server"), (" Blackwell", ""), ("NVIDIA ", ""))


def short_name(part) -> str:
    name = getattr(part, "name", "") or ""
    for long, short in _SHORTEN:
        name = name.replace(long, short)
    return name.strip()


@dataclass
class PaintState:
    selected: tuple[str | None, int | None] | None = None  # (part_id, slot) or (None, empty slot)
    highlighted: frozenset[str] = field(default_factory=frozenset)
    hover_rect: QRectF | None = None
    hover_ok: bool = False
    hover_reason: str = ""
    hover_pos: QPointF | None = None
    focused: bool = False


def _is_selected(t: Target, state: PaintState) -> bool:
    if state.selected is None:
        return False
    part_id, slot = state.selected
    if part_id is None:
        return t.kind in ("slot", "socket") and t.slot == slot
    return t.part_id == part_id and (t.section != "gpus" or slot is None or t.slot == slot)


def _text(painter: QPainter, rect: QRectF, text: str, flags=Qt.AlignmentFlag.AlignCenter) -> None:
    metrics = QFontMetricsF(painter.font())
    painter.drawText(rect, int(flags), metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()))


def paint(painter: QPainter, scene: BuildScene, palette: QPalette, font: QFont, state: PaintState) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    text_color = palette.color(QPalette.ColorRole.WindowText)
    mid = palette.color(QPalette.ColorRole.Mid)
    bold = QFont(font)
    bold.setBold(True)
    small = QFont(font)
    small.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))

    painter.setFont(bold)
    painter.setPen(text_color)
    title = QRectF(12, 6, painter.device().width() - 24, 28)
    _text(painter, title, scene.title, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    for frame in sorted(scene.frames, key=lambda f: f.kind != "link"):  # links under the tiles
        _paint_frame(painter, frame, palette, bold, small)

    for t in scene.targets:
        _paint_target(painter, t, palette, font, small, text_color, mid)
        if t.part_id is not None and t.part_id in state.highlighted:
            painter.setPen(QPen(HIGHLIGHT, 4, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(t.rect.adjusted(-2, -2, 2, 2), 8, 8)
        if _is_selected(t, state):
            painter.setPen(QPen(SELECTED, 4 if state.focused else 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(t.rect.adjusted(-3, -3, 3, 3), 9, 9)

    if state.hover_rect is not None:
        color = VALID if state.hover_ok else INVALID
        fill = QColor(color)
        fill.setAlpha(70)
        painter.setPen(QPen(color, 3))
        painter.setBrush(fill)
        painter.drawRoundedRect(state.hover_rect, 8, 8)
    if state.hover_reason and state.hover_pos is not None:
        _paint_reason(painter, state.hover_reason, state.hover_pos, font)


def _paint_frame(painter: QPainter, frame, palette: QPalette, bold: QFont, small: QFont) -> None:
    base = palette.color(QPalette.ColorRole.Base)
    text_color = palette.color(QPalette.ColorRole.WindowText)
    if frame.kind == "empty":
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(frame.rect, 12, 12)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(frame.rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), frame.label)
        return
    if frame.kind == "slot_label":
        painter.setFont(small)
        painter.setPen(text_color)
        painter.drawText(frame.rect, int(Qt.AlignmentFlag.AlignCenter), frame.label)
        return
    if frame.kind == "link":
        painter.fillRect(frame.rect, palette.color(QPalette.ColorRole.Mid))
        return
    if frame.kind == "chassis":
        painter.setPen(QPen(text_color, 2))
        painter.setBrush(base.darker(104))
        painter.drawRoundedRect(frame.rect, 10, 10)
        return  # the chassis name is on its chip above
    if frame.kind == "board":
        painter.setPen(QPen(BOARD.darker(130), 2))
        painter.setBrush(BOARD)
        painter.drawRoundedRect(frame.rect, 8, 8)
        if frame.label:
            painter.setFont(bold)
            painter.setPen(Qt.GlobalColor.white)
            _text(painter, QRectF(frame.rect.left() + 10, frame.rect.top() + 4, frame.rect.width() - 20, 24),
                  frame.label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return
    if frame.kind in ("node", "fabric"):
        painter.setPen(QPen(text_color, 2))
        painter.setBrush(base.darker(108) if frame.kind == "node" else palette.color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(frame.rect, 8, 8)
        painter.setFont(bold if frame.kind == "node" else small)
        painter.setPen(text_color)
        label = QRectF(frame.rect.left() + 8, frame.rect.top() + 2, frame.rect.width() - 16,
                       22 if frame.kind == "node" else frame.rect.height() - 4)
        _text(painter, label, frame.label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _paint_target(painter, t: Target, palette: QPalette, font: QFont, small: QFont, text_color, mid) -> None:
    r = t.rect
    if t.kind == "slot":
        painter.setPen(QPen(mid, 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(r, 6, 6)
        painter.setFont(small)
        painter.setPen(mid.darker(130))
        if r.height() >= 14:
            _text(painter, r, f"slot {t.slot} · empty")
        return
    if t.kind == "socket":
        painter.setPen(QPen(QColor(200, 220, 200), 1, Qt.PenStyle.DashLine))
        painter.setBrush(BOARD.lighter(125))
        painter.drawRoundedRect(r, 6, 6)
        if r.height() >= 28:
            painter.setFont(small)
            painter.setPen(QColor(220, 235, 220))
            _text(painter, r, f"{t.slot}\nempty" if r.height() >= 40 else str(t.slot))
        return
    if t.kind == "gpu":
        module = getattr(t.part, "is_module", False)
        painter.setPen(QPen(QColor(20, 30, 40), 1))
        painter.setBrush(MODULE if module else CARD)
        painter.drawRoundedRect(r, 6, 6)
        if r.height() < 14:
            return
        painter.setPen(Qt.GlobalColor.white)
        roomy = r.height() >= 40 and r.width() >= 110
        painter.setFont(font if roomy else small)
        memory = getattr(t.part, "memory_gb", 0)
        where = f"socket {t.slot}" if module else (f"slots {t.slot}–{t.slot + t.span - 1}" if t.span > 1
                                                    else f"slot {t.slot}")
        label = f"{short_name(t.part)}\n{memory:.0f} GB · {where}" if roomy else short_name(t.part)
        lines = label.split("\n")
        metrics = QFontMetricsF(painter.font())
        line_h = metrics.height()
        top = r.center().y() - line_h * len(lines) / 2
        for i, line in enumerate(lines):
            _text(painter, QRectF(r.left() + 6, top + i * line_h, r.width() - 12, line_h), line)
        return
    # chips: parts and placeholders
    placeholder = t.kind == "placeholder"
    painter.setPen(QPen(mid, 1, Qt.PenStyle.DashLine if placeholder else Qt.PenStyle.SolidLine))
    painter.setBrush(Qt.BrushStyle.NoBrush if placeholder else palette.color(QPalette.ColorRole.Button))
    painter.drawRoundedRect(r, 8, 8)
    painter.setPen(text_color)
    inner = r.adjusted(10, 2, -10, -2)
    if placeholder:
        painter.setFont(small)
        word = "chassis" if t.section == "chassis" else "CPU platform"
        _text(painter, inner, f"No {word}: drop one here")
        return
    word = {"chassis": "Chassis", "platforms": "Platform"}.get(t.section) or SECTION_WORDS.get(t.section, "")
    painter.setFont(small)
    _text(painter, QRectF(inner.left(), inner.top(), inner.width(), inner.height() / 2),
          word, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
    painter.setFont(font)
    quantity = f"{t.quantity} × " if t.section not in ("chassis", "platforms") else ""
    _text(painter, QRectF(inner.left(), inner.center().y(), inner.width(), inner.height() / 2),
          f"{quantity}{t.part.name}", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


def _paint_reason(painter: QPainter, reason: str, pos: QPointF, font: QFont) -> None:
    """The refusal, in a box beside the pointer, kept inside the widget."""
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
    text_rect = metrics.boundingRect(QRectF(0, 0, REASON_MAX_W, 10_000), flags, reason)
    box = text_rect.adjusted(-10, -8, 10, 8)
    device = painter.device()
    x = min(max(pos.x() + 18, 4.0), device.width() - box.width() - 4)
    y = min(max(pos.y() + 18, 4.0), device.height() - box.height() - 4)
    box.moveTo(max(x, 4.0), max(y, 4.0))
    painter.setPen(QPen(INVALID.darker(130), 1))
    painter.setBrush(QColor(255, 238, 238))
    painter.drawRoundedRect(box, 6, 6)
    painter.setPen(QColor(90, 0, 0))
    painter.drawText(box.adjusted(10, 8, -10, -8), flags, reason)
