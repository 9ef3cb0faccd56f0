"""Paint a laid-out PaperDocument onto a QPdfWriter (a PDF file) or a QPrinter (print preview).

Fonts: DejaVu Sans, registered from resources/fonts or the system's DejaVu directory, is embedded
(subset) by Qt's PDF engine, so currency symbols (€ £ ¥ ₹) print on any machine. Chart images come
from charts/render.py (``render_chart_png(name, analysis, width_px, height_px)``). Files are
written to a temporary name, read back (a whole PDF with every page), fsynced and renamed, so a failed
export (a full disk included: QPdfWriter itself reports nothing) leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from configurator.export import pdf_layout as L
from configurator.export.blocks import PaperDocument
from configurator.export.files import check_pdf, fsync_dir, fsync_file, remove_quietly, temp_for
from configurator.export.formatting import ExportError

PDF_DPI = 300
CHART_DPI = 170  # chart bitmaps: sharp in print, quick to render
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")
SYSTEM_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/Library/Fonts",
                    "C:/Windows/Fonts")

ChartSource = Callable[[str, object, int, int], bytes]
_state: dict[str, object] = {}  # the QApplication this module created, and whether fonts are registered


def ensure_app():
    """A QApplication for painting (charts use pyqtgraph widgets); offscreen when none is running."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
        _state["app"] = app  # kept alive for the process (the command line's export)
    register_fonts()
    return app


def register_fonts() -> bool:
    """Register the DejaVu family once; False when no file was found (Qt's default font is used)."""
    if "fonts" in _state:
        return bool(_state["fonts"])
    from configurator.paths import resource

    found = False
    for folder in (resource("fonts"), *map(Path, SYSTEM_FONT_DIRS)):
        files = [folder / f for f in FONT_FILES if (folder / f).exists()]
        if files:
            found = all(QFontDatabase.addApplicationFont(str(f)) >= 0 for f in files)
            break
    _state["fonts"] = found or L.FAMILY in QFontDatabase.families()
    return bool(_state["fonts"])


def default_chart_source() -> ChartSource | None:
    try:
        from configurator.charts.render import render_chart_png
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("configurator.charts"):
            return None
        raise
    return render_chart_png


class _Painter:
    def __init__(self, painter: QPainter, layout: L.Layout, document: PaperDocument, analysis, charts: ChartSource | None):
        self.p, self.l, self.doc, self.analysis, self.charts = painter, layout, document, analysis, charts

    def text(self, rect: QRectF, text: str, style: str, flags: int = L.WRAP) -> None:
        self.p.setFont(self.l.font(style))
        self.p.setPen(self.l.color(style))
        self.p.drawText(rect, flags, text)

    def one_line(self, rect: QRectF, text: str, style: str, flags: int, keep: str = "") -> None:
        """``text`` on one line of ``rect``, shortened with an ellipsis where it is wider (a long build name in
        the page frame would wrap out of its band onto the rule or off the page); ``keep`` follows it whole
        ('· page 2 of 3')."""
        font = self.l.font(style)
        metrics = self.l.metrics[style]
        room = max(0.0, rect.width() - metrics.horizontalAdvance(keep))
        self.p.setFont(font)
        self.p.setPen(self.l.color(style))
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room) + keep
        self.p.drawText(rect, (flags & ~int(L.WRAP)) | int(Qt.TextFlag.TextSingleLine), shown)

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width_mm: float = 0.2) -> None:
        self.p.setPen(QPen(QColor(color), self.l.mm(width_mm)))
        self.p.drawLine(QPointF(x1, y1), QPointF(x2, y2))

    def op(self, op: L.Op) -> None:
        r = op.rect
        if op.kind == "text":
            self.text(r, op.text, op.style, op.flags)
        elif op.kind == "fill":
            self.p.fillRect(r, QColor(op.color))
        elif op.kind == "line":
            self.line(r.left(), r.top(), r.right(), r.top(), op.color)
        elif op.kind == "box":
            self.p.setPen(QPen(QColor(op.color), self.l.mm(0.25)))
            self.p.setBrush(Qt.BrushStyle.NoBrush)
            self.p.drawRect(r)
        elif op.kind == "chart":
            self.chart(r, op.text)

    def chart(self, rect: QRectF, name: str) -> None:
        image = QImage()
        if self.charts is not None and self.analysis is not None:
            w = round(rect.width() / self.l.dpi * CHART_DPI)
            h = round(rect.height() / self.l.dpi * CHART_DPI)
            image = QImage.fromData(self.charts(name, self.analysis, w, h))
        if image.isNull():
            self.p.setPen(QPen(QColor(L.MUTED), self.l.mm(0.2)))
            self.p.drawRect(rect)
            self.text(rect, f"{name} chart not available", "muted", int(Qt.AlignmentFlag.AlignCenter))
            return
        self.p.drawImage(rect, image)

    def logo(self, rect: QRectF) -> float:
        """Draw the logo inside ``rect`` keeping its aspect ratio; returns the width used."""
        path = self.doc.letterhead.logo_path
        if not path:
            return 0.0
        if path.lower().endswith(".svg"):
            from PySide6.QtSvg import QSvgRenderer

            svg = QSvgRenderer(path)
            size = svg.defaultSize()
            if not svg.isValid() or size.height() <= 0:
                return 0.0
            w = rect.height() * size.width() / size.height()
            svg.render(self.p, QRectF(rect.left(), rect.top(), w, rect.height()))
            return w
        image = QImage(path)
        if image.isNull():
            return 0.0
        w = rect.height() * image.width() / image.height()
        self.p.drawImage(QRectF(rect.left(), rect.top(), w, rect.height()), image)
        return w

    def page_frame(self, index: int, count: int) -> None:
        l, d = self.l, self.doc
        left, width = l.left, l.width
        top = l.mm(L.MARGIN_TOP)
        right = int(Qt.AlignmentFlag.AlignRight) | L.WRAP
        if index == 0:
            lh = d.letterhead
            self.logo(QRectF(left, top, l.mm(60), l.mm(15)))
            y = top
            for line, style in [(lh.company, "company"), *[(a, "head") for a in (*lh.address_lines,
                                                                                  *lh.contact_lines)]]:
                h = l.height(line, style, width * 0.5)
                self.text(QRectF(left + width * 0.5, y, width * 0.5, h), line, style, right)
                y += h
            title_y = top + l.mm(L.FIRST_PAGE_HEAD - 12)
            self.text(QRectF(left, title_y, width * 0.5, l.mm(9)), d.title, "title")
            self.one_line(QRectF(left + width * 0.5, title_y + l.mm(2), width * 0.5, l.mm(7)), d.reference, "h1", right)
            rule_y = top + l.mm(L.FIRST_PAGE_HEAD - 2.5)
        else:
            self.text(QRectF(left, top, width * 0.5, l.mm(6)), d.letterhead.company, "h2")
            self.one_line(QRectF(left + width * 0.5, top, width * 0.5, l.mm(6)), f"{d.title} {d.reference}", "h2", right)
            rule_y = top + l.mm(L.OTHER_PAGE_HEAD - 5)
        self.line(left, rule_y, left + width, rule_y, L.BLUE, 0.4)
        if d.banner:
            self.text(QRectF(left, rule_y + l.mm(1.2), width, l.mm(l.banner_mm)), d.banner, "banner")
        foot_y = l.mm(L.PAGE_H - L.MARGIN_BOTTOM + 3)
        self.line(left, foot_y - l.mm(1), left + width, foot_y - l.mm(1), "#c8c8c8")
        self.text(QRectF(left, foot_y, width * 0.68, l.mm(8)), d.footer, "muted")
        self.one_line(QRectF(left + width * 0.7, foot_y, width * 0.3, l.mm(5)), d.reference, "muted", right,
                      keep=f" · page {index + 1} of {count}")


def paint(document: PaperDocument, device, analysis=None, charts: ChartSource | None = None) -> int:
    """Lay out and paint ``document`` on a QPdfWriter or QPrinter; returns the page count."""
    ensure_app()
    device.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    if hasattr(device, "setFullPage"):
        device.setFullPage(True)  # QPrinter: coordinates from the paper's corner, as for the PDF
    layout = L.lay_out(document, device.logicalDpiY())
    painter = QPainter()
    if not painter.begin(device):
        raise ExportError("cannot start painting the document (is the output writable?)")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        out = _Painter(painter, layout, document, analysis, charts)
        for i, ops in enumerate(layout.pages):
            if i:
                device.newPage()
            out.page_frame(i, len(layout.pages))
            for op in ops:
                out.op(op)
    finally:
        ended = painter.end()
    if not ended:
        raise ExportError("painting the document failed: the output could not be written")
    return len(layout.pages)


def render_pdf_file(document: PaperDocument, path: str | Path, analysis=None,
                    charts: ChartSource | None | bool = True, shown: Path | None = None) -> int:
    """Paint ``document`` into ``path`` (a temporary file the caller renames), read it back and fsync it.

    QPdfWriter reports no write error (a full disk leaves an empty or cut-off file behind), so the file is
    checked on disk: it must be a whole PDF holding every page painted. Returns the page count.
    """
    ensure_app()
    path = Path(path)
    source = default_chart_source() if charts is True else (charts or None)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"{document.title} {document.reference}")
    writer.setCreator("AI hardware configurator")
    try:
        pages = paint(document, writer, analysis, source)
    finally:
        del writer  # flushes and closes the file
    check_pdf(path, pages, shown)
    fsync_file(path, shown)
    return pages


def write_pdf(document: PaperDocument, path: str | Path, analysis=None, charts: ChartSource | None | bool = True) -> int:
    """Write ``document`` to ``path`` whole or not at all (temporary file, check, fsync, rename)."""
    path = Path(path)
    tmp = temp_for(path)
    try:
        pages = render_pdf_file(document, tmp, analysis, charts, shown=path)
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_dir(path.parent if str(path.parent) else Path("."))
    return pages
