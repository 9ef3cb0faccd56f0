"""Draw a LaneDiagram (export/lane_diagram.py): the slot rows with their connectors drawn lane by lane, the M.2
sockets, and the DIMM channels as slots filled or empty. One drawing for paper and screen.

The drawing is a list of bands, each a height and drawing operations (pdf_layout.Op: text, fill, line, box) from
the band's top. The build sheet's layout (pdf_layout.Layout) places the bands one after the other and never splits
one across pages (a card and the slots its cooler covers are one band); export/pdf.py paints their operations.
The window's panel stacks the same bands and paints them with ``paint_ops``. Both measure with the same
``metrics``: an object with ``mm(value)``, ``height(text, style, width)``, ``font(style)`` and ``color(style)``
(a pdf_layout.Layout at the device's resolution).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from configurator.export import pdf_layout as L
from configurator.export.lane_diagram import LaneDiagram, SlotRow
from configurator.present.lanes import lane_width

GOT, SHARED_AWAY, IDLE, IDLE_COVERED = "#1f4e79", "#b00020", "#c5d0dc", "#e6e9ed"
CARD_FILL, M2_FILL, ROW_RULE = "#e8f0f8", "#eef4ea", "#d0d7de"
MODULE_FILLS = ("#cfe0f3", "#d7ecd2", "#f6e0c0", "#e5d5ef", "#f3d0d0")  # one per module kind, then repeated
MAX_LANES = 16  # the widest PCIe slot (CEM x16): a connector's drawn length is its share of 16 lanes
LEFT, CENTER = int(Qt.AlignmentFlag.AlignLeft), int(Qt.AlignmentFlag.AlignHCenter)
WIDE_MM = 140.0  # from this width the slot's part and its lane sentence stand side by side
TILE_MM = 12.5  # narrowest channel tile (room for "128 GB" at the tile font)
TILE_MAX_MM = 30.0  # widest: two channels do not stretch over the page
HEADERS = ("Slot", "Electrical width", "In the slot", "Lanes it gets")


@dataclass
class Band:
    height: float
    ops: list = field(default_factory=list)
    kind: str = "block"  # "row": a slot row (a page that starts with one repeats the column header); "title",
    # "header": kept on the page of the band after them
    group: str = ""  # a row's group title (the repeated header says it continues)


class _Pen:
    """Collects the operations of one band."""

    def __init__(self, metrics):
        self.m = metrics
        self.ops: list[L.Op] = []

    def text(self, x, y, w, text, style, align=LEFT) -> float:
        h = self.m.height(text, style, w)
        self.ops.append(L.Op("text", QRectF(x, y, w, h), style, text, L.WRAP | align))
        return h

    def fill(self, x, y, w, h, color) -> None:
        self.ops.append(L.Op("fill", QRectF(x, y, w, h), color=color))

    def box(self, x, y, w, h, color) -> None:
        self.ops.append(L.Op("box", QRectF(x, y, w, h), color=color))

    def rule(self, x, y, w, color=ROW_RULE) -> None:
        self.ops.append(L.Op("line", QRectF(x, y, w, 0), color=color))


class _Columns:
    def __init__(self, metrics, width: float):
        mm = metrics.mm
        self.wide = width >= mm(WIDE_MM)
        self.pad_x, self.pad_y = mm(1.2), mm(0.8)
        if self.wide:  # slot | connector | part | sentence
            shares = (0.19, 0.2, 0.33, 0.28)
        else:  # slot with its connector below | part with its sentence below
            shares = (0.42, 0.0, 0.58, 0.0)
        self.x, x = [], 0.0
        for s in shares:
            self.x.append((x, s * width))
            x += s * width
        self.conn = self.x[1] if self.wide else self.x[0]


def _connector(pen: _Pen, m, x: float, y: float, w: float, row: SlotRow) -> float:
    """The slot drawn lane by lane with its width written after it; returns the height used."""
    text_w = m.mm(9)
    cells_w = max(m.mm(10), w - text_w - m.mm(1))
    cell = cells_w / MAX_LANES
    h = m.mm(2.6)
    wired = row.electrical_lanes
    style = "dg_alert" if row.narrowed else "dg_b"
    if wired == 0:
        pen.text(x, y, text_w + cells_w, "none", "dg_muted")
        return m.height("none", "dg_muted", w)
    covered = row.state in ("covered",)
    usable = min(row.device_lanes, wired)
    for i in range(max(wired, row.device_lanes if row.device else 0)):
        cx = x + i * cell
        if i >= MAX_LANES:
            break
        if i < row.lanes:
            pen.fill(cx, y, cell * 0.8, h, GOT)
        elif row.device and i < usable:
            pen.fill(cx, y, cell * 0.8, h, SHARED_AWAY)  # wired, but shared away from this part now
        elif i < wired:
            pen.fill(cx, y, cell * 0.8, h, IDLE_COVERED if covered else IDLE)
        else:
            pen.box(cx, y, cell * 0.8, h, SHARED_AWAY)  # lanes the card has that the slot does not wire
    pen.box(x - m.mm(0.4), y - m.mm(0.4), cell * wired - cell * 0.2 + m.mm(0.8), h + m.mm(0.8), L.MUTED)
    width_text = lane_width(wired)
    pen.text(x + cells_w + m.mm(1), y - m.mm(0.3), text_w + m.mm(6), width_text, style)
    return max(h + m.mm(0.4), m.height(width_text, style, text_w + m.mm(6)))


def _row_band(m, cols: _Columns, width: float, rows: list[SlotRow]) -> Band:
    """One slot row, or a card's row with the rows its cooler covers (drawn as one card over them)."""
    pen = _Pen(m)
    px, py = cols.pad_x, cols.pad_y
    y = 0.0
    tops = []
    part_x, part_w = cols.x[2]
    for n, row in enumerate(rows):
        tops.append(y)
        name_x, name_w = cols.x[0]
        h_name = pen.text(name_x + px, y + py, name_w - 2 * px, row.name, "dg_b")
        if row.detail:
            h_name += pen.text(name_x + px, y + py + h_name, name_w - 2 * px, row.detail, "dg_muted")
        cx, cw = cols.conn
        if cols.wide:
            h_conn = _connector(pen, m, cx + px, y + py + m.mm(0.6), cw - 2 * px, row)
        else:
            h_conn = _connector(pen, m, cx + px, y + py + h_name + m.mm(1.0), cw - 2 * px, row) + h_name + m.mm(1.0)
        label_style = "dg_alert" if row.narrowed else ("dg" if row.device else "dg_muted")
        h_part = 0.0
        if row.device:
            h_part = pen.text(part_x + px, y + py, part_w - 2 * px, f"{row.device}: {row.part}", "dg")
        elif row.state != "covered" and cols.wide:  # covered: drawn as part of the card above it; narrow: the
            # sentence below says "free" already
            h_part = pen.text(part_x + px, y + py, part_w - 2 * px, "free" if row.state == "free" else "-",
                              "dg_muted")
        if cols.wide:
            lx, lw = cols.x[3]
            h_label = pen.text(lx + px, y + py, lw - 2 * px, row.label, label_style)
            h = max(h_name, h_conn, h_part, h_label) + 2 * py
        else:
            lift = h_part + (m.mm(0.5) if h_part else 0.0)
            h_label = pen.text(part_x + px, y + py + lift, part_w - 2 * px, row.label, label_style)
            h = max(h_conn, lift + h_label) + 2 * py
        y += h
        if n == len(rows) - 1:
            pen.rule(0, y, width)
        else:  # inside a card: the rule stops at the card
            pen.rule(0, y, part_x, ROW_RULE)
            pen.rule(part_x + part_w, y, width - part_x - part_w, ROW_RULE)
    if len(rows) > 1 or (rows[0].device and rows[0].state == "gpu"):
        # the card: a box over its own row and the positions its cooler covers, under the text
        card = [L.Op("fill", QRectF(part_x + px * 0.4, py * 0.5, part_w - px * 0.8, y - py), color=CARD_FILL),
                L.Op("box", QRectF(part_x + px * 0.4, py * 0.5, part_w - px * 0.8, y - py), color=GOT)]
        pen.ops[:0] = card
    return Band(y, pen.ops, "row")


def _header_band(m, cols: _Columns, width: float) -> Band:
    pen = _Pen(m)
    titles = HEADERS if cols.wide else (f"{HEADERS[0]}, {HEADERS[1].lower()}", f"{HEADERS[2]}, lanes it gets")
    spans = cols.x if cols.wide else [cols.x[0], cols.x[2]]
    h = max(m.height(t, "th", w - 2 * cols.pad_x) for t, (_, w) in zip(titles, spans)) + 2 * cols.pad_y
    pen.fill(0, 0, width, h, L.GREY)
    for t, (x, w) in zip(titles, spans):
        pen.text(x + cols.pad_x, cols.pad_y, w - 2 * cols.pad_x, t, "th")
    return Band(h, pen.ops, "header")


def _legend_band(m, width: float) -> Band:
    pen = _Pen(m)
    x, y, sq = 0.0, m.mm(0.6), m.mm(2.4)
    items = ((GOT, "lanes the part gets", True), (SHARED_AWAY, "lanes shared away from it (narrowed)", True),
             (SHARED_AWAY, "lanes the card has that the slot does not wire", False), (IDLE, "wired, not used", True))
    line_h = max(m.height("x", "dg_muted", width), sq)
    for color, text, filled in items:
        tw = _advance(m, text, "dg_muted")
        if x + sq + m.mm(1) + tw > width and x > 0:
            x, y = 0.0, y + line_h + m.mm(0.8)
        (pen.fill if filled else pen.box)(x, y + (line_h - sq) / 2, sq, sq, color)
        pen.text(x + sq + m.mm(1), y, tw + m.mm(1), text, "dg_muted")
        x += sq + m.mm(1) + tw + m.mm(4)
    return Band(y + line_h + m.mm(1.5), pen.ops, "title")


def _advance(m, text: str, style: str) -> float:
    return QFontMetricsF(m.font(style)).horizontalAdvance(text)


def _title_band(m, width: float, text: str, style: str = "dg_title", after_mm: float = 1.0) -> Band:
    pen = _Pen(m)
    h = pen.text(0, m.mm(1.2), width, text, style)
    return Band(h + m.mm(1.2 + after_mm), pen.ops, "title")


def _m2_band(m, width: float, sockets: tuple[tuple[str, str], ...]) -> Band:
    pen = _Pen(m)
    gap = m.mm(2)
    per_row = max(1, min(len(sockets), int((width + gap) // (m.mm(34) + gap))))
    w = (width - gap * (per_row - 1)) / per_row
    pad = m.mm(1.2)
    y = 0.0
    for i in range(0, len(sockets), per_row):
        line = sockets[i:i + per_row]
        h = max(m.height(n, "dg_b", w - 2 * pad) + m.height(d or "empty", "dg", w - 2 * pad) for n, d in line)
        h += 2 * pad
        for j, (name, drive) in enumerate(line):
            x = j * (w + gap)
            if drive:
                pen.fill(x, y, w, h, M2_FILL)
            pen.box(x, y, w, h, L.MUTED if drive else ROW_RULE)
            top = pen.text(x + pad, y + pad, w - 2 * pad, name, "dg_b")
            pen.text(x + pad, y + pad + top, w - 2 * pad, drive or "empty", "dg" if drive else "dg_muted")
        y += h + gap
    return Band(y, pen.ops)


def _channel_bands(m, width: float, d: LaneDiagram) -> list[Band]:
    bands = []
    label_w = m.mm(11) if any(c.title for c in d.cpus) else 0.0
    gap = m.mm(1.0)
    avail = width - label_w
    for cpu in d.cpus:
        n = len(cpu.channels)
        per_row = max(1, min(n, int((avail + gap) // (m.mm(TILE_MM) + gap))))
        per_row = -(-n // -(-n // per_row))  # as many rows as needed, filled evenly (12 channels: 6 + 6, not 8 + 4)
        tile_w = min(m.mm(TILE_MAX_MM), (avail - gap * (per_row - 1)) / per_row)
        pad = m.mm(0.8)
        for start in range(0, n, per_row):
            pen = _Pen(m)
            chunk = cpu.channels[start:start + per_row]
            head_h = max(m.height(ch.name, "dg_tile_b", tile_w) for ch in chunk)
            cell_h = max(m.height(c.slot, "dg_tile_b", tile_w - 2 * pad) + m.height(c.text or "empty", "dg_tile",
                                                                                   tile_w - 2 * pad)
                         for ch in chunk for c in ch.cells) + 2 * pad
            if start == 0 and cpu.title:
                pen.text(0, head_h + m.mm(0.5), label_w - m.mm(1), cpu.title, "dg_b")
            for j, ch in enumerate(chunk):
                x = label_w + j * (tile_w + gap)
                pen.text(x, 0, tile_w, ch.name, "dg_tile_b", CENTER)
                y = head_h + m.mm(0.5)
                for c in ch.cells:
                    if c.module >= 0:
                        pen.fill(x, y, tile_w, cell_h, MODULE_FILLS[c.module % len(MODULE_FILLS)])
                    pen.box(x, y, tile_w, cell_h, L.MUTED if c.module >= 0 else ROW_RULE)
                    top = pen.text(x + pad, y + pad, tile_w - 2 * pad, c.slot, "dg_tile_b", CENTER)
                    pen.text(x + pad, y + pad + top, tile_w - 2 * pad, c.text or "empty",
                             "dg_tile" if c.module >= 0 else "dg_muted_tile", CENTER)
                    y += cell_h + m.mm(0.6)
            bands.append(Band(y + m.mm(1.5), pen.ops, "title"))  # the channels stay with the speed line below
    return bands


def _module_band(m, width: float, d: LaneDiagram) -> Band:
    pen = _Pen(m)
    sq = m.mm(2.6)
    y = 0.0
    for i, text in enumerate(d.modules):
        pen.fill(0, y + m.mm(0.3), sq, sq, MODULE_FILLS[i % len(MODULE_FILLS)])
        pen.box(0, y + m.mm(0.3), sq, sq, L.MUTED)
        y += pen.text(sq + m.mm(1.5), y, width - sq - m.mm(1.5), text, "dg") + m.mm(0.8)
    y += pen.text(0, y + m.mm(0.4), width, d.speed_line, "dg_alert" if d.slower else "dg_b") + m.mm(1.2)
    for note in d.notes:
        y += pen.text(0, y, width, note, "dg") + m.mm(0.8)
    return Band(y + m.mm(1), pen.ops)


def bands(diagram: LaneDiagram, metrics, width: float) -> list[Band]:
    """The drawing of ``diagram`` at ``width`` device units, as bands from top to bottom."""
    m = metrics
    cols = _Columns(m, width)
    out: list[Band] = [_title_band(m, width, diagram.scope, "dg_b", 0.4)] if diagram.scope else []
    out.append(_legend_band(m, width))
    for group in diagram.groups:
        out.append(_title_band(m, width, group.title))
        out.append(_header_band(m, cols, width))
        rows = list(group.rows)
        i = 0
        while i < len(rows):
            span = max(1, rows[i].span)
            band = _row_band(m, cols, width, rows[i:i + span])
            band.group = group.title
            out.append(band)
            i += span
    if diagram.m2:
        out.append(_title_band(m, width, "M.2 sockets"))
        out.append(_m2_band(m, width, diagram.m2))
    out.append(_title_band(m, width, f"Memory: {diagram.memory_summary}"))
    out += _channel_bands(m, width, diagram)
    out.append(_module_band(m, width, diagram))
    return out


def header_for(diagram: LaneDiagram, metrics, width: float, group: str = "") -> Band:
    """What a page repeats when slot rows continue on it: '<group> (continued)' and the column header."""
    head = _header_band(metrics, _Columns(metrics, width), width)
    if not group:
        return head
    title = _title_band(metrics, width, f"{group} (continued)", "dg_muted", 0.6)
    return Band(title.height + head.height,
                title.ops + [L.Op(o.kind, o.rect.translated(0, title.height), o.style, o.text, o.flags, o.color)
                             for o in head.ops], "header")


def total_height(parts: list[Band]) -> float:
    return sum(b.height for b in parts)


def lead_height(parts: list[Band]) -> float:
    """The first bands that must share a page with the heading above the drawing (titles, the legend, the column
    header and the first row below them)."""
    need = 0.0
    for band in parts:
        need += band.height
        if band.kind not in ("title", "header"):
            break
    return need


def paint_ops(painter: QPainter, ops, metrics, dx: float = 0.0, dy: float = 0.0) -> None:
    """Paint operations as export/pdf.py paints them on paper (text, fill, line, box), moved by (dx, dy)."""
    for op in ops:
        r = op.rect.translated(dx, dy)
        if op.kind == "text":
            painter.setFont(metrics.font(op.style))
            painter.setPen(metrics.color(op.style))
            painter.drawText(r, op.flags, op.text)
        elif op.kind == "fill":
            painter.fillRect(r, QColor(op.color))
        elif op.kind == "line":
            painter.setPen(QPen(QColor(op.color), metrics.mm(0.2)))
            painter.drawLine(QPointF(r.left(), r.top()), QPointF(r.right(), r.top()))
        elif op.kind == "box":
            painter.setPen(QPen(QColor(op.color), metrics.mm(0.25)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(r)
