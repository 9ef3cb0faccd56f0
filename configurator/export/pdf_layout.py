"""Lay a PaperDocument (export/blocks.py) out on A4 pages: positions only, measured with Qt font metrics.

The layout is a list of pages, each a list of drawing operations in device units; export/pdf.py
paints them with the letterhead, banner and footer once the page count is known ("page 2 of 3").
Rules: a table row is never split (a row that does not fit starts the next page) and the table
header row is drawn again at the top of every page the table continues on; headings stay with the
content below them; totals, charts and sign-off lines are kept together.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from configurator.export import blocks as b
from configurator.export.lane_diagram import LaneDiagram

PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 16.0, 14.0, 16.0
FIRST_PAGE_HEAD, OTHER_PAGE_HEAD = 44.0, 13.0  # mm taken by the letterhead / running header
FAMILY = "DejaVu Sans"
BLUE, GREY, RED, INK, MUTED = "#1f4e79", "#e8edf3", "#b00020", "#222222", "#666666"

# style -> (points, bold, colour)
STYLES = {
    "body": (9.0, False, INK), "small": (7.5, False, "#333333"), "strong": (9.0, True, INK),
    "alert": (9.0, True, RED), "muted": (7.5, False, MUTED), "table": (8.0, False, INK), "th": (8.0, True, INK),
    "h1": (11.5, True, BLUE), "h2": (9.5, True, BLUE), "title": (17.0, True, BLUE), "label": (7.5, True, MUTED),
    "banner": (8.5, True, RED), "company": (12.0, True, BLUE), "head": (7.5, False, MUTED),
    # the lane map and DIMM diagram (export/lane_drawing.py)
    "dg": (7.5, False, INK), "dg_b": (7.5, True, INK), "dg_alert": (7.5, True, RED), "dg_muted": (7.0, False, MUTED),
    "dg_title": (8.5, True, BLUE), "dg_tile": (7.0, False, INK), "dg_tile_b": (7.0, True, INK),
    "dg_muted_tile": (7.0, False, MUTED),
}
WRAP = int(Qt.TextFlag.TextWordWrap)


@dataclass
class Op:
    kind: str  # text, fill, line, box, chart
    rect: QRectF
    style: str = "body"
    text: str = ""
    flags: int = 0
    color: str = ""


class Layout:
    def __init__(self, dpi: float, banner: str = ""):
        self.dpi = dpi
        self.fonts: dict[str, QFont] = {}
        self.metrics: dict[str, QFontMetricsF] = {}
        self.banner = banner
        self.banner_mm = 0.0
        if banner:  # as many lines as it takes, on every page
            self.banner_mm = self.height(banner, "banner", self.mm(PAGE_W - 2 * MARGIN_X)) * 25.4 / dpi + 2.5
        self.left = self.mm(MARGIN_X)
        self.width = self.mm(PAGE_W - 2 * MARGIN_X)
        self.bottom = self.mm(PAGE_H - MARGIN_BOTTOM - 3)  # clear of the footer rule
        self.pages: list[list[Op]] = []
        self.y = 0.0
        self.new_page()

    # -- units, fonts, measuring ----------------------------------------------------------------------
    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def font(self, style: str) -> QFont:
        if style not in self.fonts:
            pt, bold, _ = STYLES[style]
            f = QFont(FAMILY)
            f.setPixelSize(max(1, round(pt * self.dpi / 72)))  # pixel size: exact at any device resolution
            f.setBold(bold)
            f.setKerning(True)
            self.fonts[style] = f
            self.metrics[style] = QFontMetricsF(f)
        return self.fonts[style]

    def height(self, text: str, style: str, width: float) -> float:
        self.font(style)
        if not text:
            return self.metrics[style].height()
        return self.metrics[style].boundingRect(QRectF(0, 0, width, 1e7), WRAP, text).height()

    def color(self, style: str) -> QColor:
        return QColor(STYLES[style][2])

    # -- pages --------------------------------------------------------------------------------------
    @property
    def page(self) -> list[Op]:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append([])
        head = FIRST_PAGE_HEAD if len(self.pages) == 1 else OTHER_PAGE_HEAD
        self.y = self.mm(MARGIN_TOP + head + self.banner_mm)

    def room(self) -> float:
        return self.bottom - self.y

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` fits on this one (and this page is not empty)."""
        if height > self.room() and self.page:
            self.new_page()

    def text(self, x: float, y: float, w: float, text: str, style: str, align=Qt.AlignmentFlag.AlignLeft) -> float:
        h = self.height(text, style, w)
        self.page.append(Op("text", QRectF(x, y, w, h), style, text, WRAP | int(align)))
        return h

    # -- blocks -----------------------------------------------------------------------------------------
    def add(self, block, next_block=None) -> None:
        if isinstance(block, b.Heading):
            self._heading(block, next_block)
            return
        try:
            place = self.PLACERS[type(block)]
        except KeyError:
            raise TypeError(f"no layout for a {type(block).__name__} block") from None
        place(self, block)

    def _spacer(self, s: b.Spacer) -> None:
        self.y += self.mm(s.mm)

    def first_height(self, block) -> float:
        """The least of ``block`` that must share a page with the heading above it."""
        if isinstance(block, b.Paragraph):
            return self.height(block.text, block.style, self.width)
        if isinstance(block, b.Charts):
            return self.mm(block.height_mm + 2)
        if isinstance(block, b.SignOff):
            return self.mm(14) * len(block.roles)
        if isinstance(block, b.Totals):
            return self.mm(6) * len(block.rows)
        if isinstance(block, LaneDiagram):
            from configurator.export.lane_drawing import bands, lead_height

            return lead_height(bands(block, self, self.width))
        return self.mm(18)

    def _heading(self, h: b.Heading, next_block=None) -> None:
        style = "h1" if h.level == 1 else "h2"
        before = self.mm(4.0 if h.level == 1 else 2.5)
        height = self.height(h.text, style, self.width)
        self.keep(before + height + self.mm(3) + (self.first_height(next_block) if next_block else 0))
        if self.page:
            self.y += before
        self.text(self.left, self.y, self.width, h.text, style)
        self.y += height + self.mm(0.8)
        if h.level == 1:
            self.page.append(Op("line", QRectF(self.left, self.y, self.width, 0), color=BLUE))
            self.y += self.mm(1.5)

    def _paragraph(self, p: b.Paragraph) -> None:
        h = self.height(p.text, p.style, self.width)
        self.keep(h)
        self.y += self.text(self.left, self.y, self.width, p.text, p.style) + self.mm(1.2)

    def _keyvalues(self, kv: b.KeyValues) -> None:
        gap = self.mm(6)
        group_w = (self.width - gap * (kv.columns - 1)) / kv.columns
        label_w = group_w * (0.38 if kv.columns > 1 else 0.22)
        for i in range(0, len(kv.pairs), kv.columns):
            row = kv.pairs[i:i + kv.columns]
            h = max(max(self.height(k, "label", label_w), self.height(v, "body", group_w - label_w)) for k, v in row)
            self.keep(h)
            for j, (k, v) in enumerate(row):
                x = self.left + j * (group_w + gap)
                self.text(x, self.y + self.mm(0.4), label_w - self.mm(1), k, "label")
                self.text(x + label_w, self.y, group_w - label_w, v, "body")
            self.y += h + self.mm(1.0)
        self.y += self.mm(1.0)

    def _table(self, t: b.Table) -> None:
        pad_x, pad_y = self.mm(1.3), self.mm(0.9)
        xs, x = [], self.left
        for c in t.columns:
            xs.append((x, c.width * self.width))
            x += c.width * self.width
        aligns = [Qt.AlignmentFlag.AlignRight if c.align == b.RIGHT else Qt.AlignmentFlag.AlignLeft for c in t.columns]

        def row_height(cells, style) -> float:
            return max(self.height(str(v), style, w - 2 * pad_x) for v, (_, w) in zip(cells, xs)) + 2 * pad_y

        head_h = row_height([c.title for c in t.columns], "th")

        def header(continued: bool) -> None:
            if continued and t.caption:
                self.y += self.text(self.left, self.y, self.width, f"{t.caption} (continued)", "muted") + self.mm(0.5)
            self.page.append(Op("fill", QRectF(self.left, self.y, self.width, head_h), color=GREY))
            for (cx, cw), col, al in zip(xs, t.columns, aligns):
                self.text(cx + pad_x, self.y + pad_y, cw - 2 * pad_x, col.title, "th", al)
            self.y += head_h

        heights = [row_height(r, t.font) for r in t.rows]
        self.keep(head_h + (heights[0] if heights else 0) + self.mm(1))
        header(False)
        for n, (cells, h) in enumerate(zip(t.rows, heights)):
            if h > self.room():
                self.new_page()
                header(True)
            if n % 2:
                self.page.append(Op("fill", QRectF(self.left, self.y, self.width, h), color="#f6f8fa"))
            for (cx, cw), value, al in zip(xs, cells, aligns):
                self.text(cx + pad_x, self.y + pad_y, cw - 2 * pad_x, str(value), t.font, al)
            self.y += h
            self.page.append(Op("line", QRectF(self.left, self.y, self.width, 0), color="#d0d7de"))
        self.y += self.mm(2)

    def _totals(self, t: b.Totals) -> None:
        w = self.width * 0.5
        x = self.left + self.width - w
        rows = [(label, value, strong, self.height(value, "strong" if strong else "body", w * 0.45) + self.mm(1.4))
                for label, value, strong in t.rows]
        self.keep(sum(r[3] for r in rows) + self.mm(2))
        for label, value, strong, h in rows:
            style = "strong" if strong else "body"
            if strong:
                self.page.append(Op("line", QRectF(x, self.y, w, 0), color=INK))
                self.y += self.mm(0.6)
            self.text(x, self.y, w * 0.55, label, style)
            self.text(x + w * 0.55, self.y, w * 0.45, value, style, Qt.AlignmentFlag.AlignRight)
            self.y += h
        self.y += self.mm(2)

    def _charts(self, c: b.Charts) -> None:
        gap = self.mm(4)
        n = max(1, len(c.names))
        w = (self.width - gap * (n - 1)) / n
        h = self.mm(c.height_mm)
        self.keep(h + self.mm(2))
        for i, name in enumerate(c.names):
            self.page.append(Op("chart", QRectF(self.left + i * (w + gap), self.y, w, h), text=name))
        self.y += h + self.mm(2)

    def _checklist(self, c: b.Checklist) -> None:
        box, sign_w = self.mm(3.4), self.mm(32)
        text_w = self.width - box - self.mm(6) - sign_w
        for item in c.items:
            h = max(self.height(item, "body", text_w), self.mm(8))
            self.keep(h)
            self.page.append(Op("box", QRectF(self.left, self.y + self.mm(0.3), box, box), color=INK))
            self.text(self.left + box + self.mm(3), self.y, text_w, item, "body")
            sx = self.left + self.width - sign_w
            self.page.append(Op("line", QRectF(sx, self.y + self.mm(4.5), sign_w, 0), color=MUTED))
            self.text(sx, self.y + self.mm(4.8), sign_w, "initials / time", "muted", Qt.AlignmentFlag.AlignCenter)
            self.y += h + self.mm(1.5)

    def _writein(self, wi: b.WriteIn) -> None:
        line_h = self.mm(7)
        label_h = self.height(wi.label, "muted", self.width)
        total = label_h + line_h * wi.lines + self.mm(2)
        self.keep(total)
        self.y += self.text(self.left, self.y, self.width, wi.label, "muted") + self.mm(1)
        self.page.append(Op("box", QRectF(self.left, self.y, self.width, line_h * wi.lines), color=MUTED))
        for i in range(1, wi.lines):
            self.page.append(Op("line", QRectF(self.left, self.y + i * line_h, self.width, 0), color="#c8c8c8"))
        for i, text in enumerate(wi.prefilled[: wi.lines]):
            self.text(self.left + self.mm(2), self.y + i * line_h + self.mm(1.5), self.width - self.mm(4), text, "body")
        self.y += line_h * wi.lines + self.mm(2)

    def _signoff(self, s: b.SignOff) -> None:
        row_h = self.mm(14)
        self.keep(row_h * len(s.roles))
        fields = (("Name", 0.3), ("Signature", 0.32), ("Date", 0.18))
        for role in s.roles:
            self.text(self.left, self.y + self.mm(6), self.width * 0.18, role, "strong")
            x = self.left + self.width * 0.2
            for label, share in fields:
                w = self.width * share - self.mm(3)
                self.page.append(Op("line", QRectF(x, self.y + self.mm(10), w, 0), color=INK))
                self.text(x, self.y + self.mm(10.5), w, label, "muted")
                x += self.width * share
            self.y += row_h

    def _lane_diagram(self, d: LaneDiagram) -> None:
        """Band by band (export/lane_drawing.py): a band never splits; slot rows continuing on a new page get the
        column header again."""
        from configurator.export.lane_drawing import bands, header_for

        parts = bands(d, self, self.width)
        for n, band in enumerate(parts):
            need, k = band.height, n
            while k + 1 < len(parts) and parts[k].kind in ("title", "header"):  # kept with the band below
                k += 1
                need += parts[k].height
            if need > self.room() and self.page:
                self.new_page()
                if band.kind == "row":
                    head = header_for(d, self, self.width, band.group)
                    self._ops(head.ops, head.height)
            self._ops(band.ops, band.height)
        self.y += self.mm(1)

    def _ops(self, ops, height: float) -> None:
        for op in ops:
            self.page.append(Op(op.kind, op.rect.translated(self.left, self.y), op.style, op.text, op.flags, op.color))
        self.y += height

    # Every block kind and the method that places it: adding a block kind to blocks.py without a row here
    # fails loudly (test_pdf_layout_places_every_block_kind) instead of at print time.
    PLACERS = {
        b.Spacer: _spacer,
        b.Paragraph: _paragraph,
        b.KeyValues: _keyvalues,
        b.Table: _table,
        b.Totals: _totals,
        b.Charts: _charts,
        b.Checklist: _checklist,
        b.WriteIn: _writein,
        b.SignOff: _signoff,
        LaneDiagram: _lane_diagram,
    }


def lay_out(document: b.PaperDocument, dpi: float) -> Layout:
    layout = Layout(dpi, document.banner)
    for block, following in zip(document.blocks, [*document.blocks[1:], None]):
        layout.add(block, following)
    if not layout.pages[-1] and len(layout.pages) > 1:
        layout.pages.pop()
    return layout
