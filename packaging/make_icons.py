"""Render resources/icons/app.svg into the per-platform app icons the spec uses.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py [OUT_DIR]   (default build/icons)

Writes configurator.png (256 px, Linux), configurator.ico (256 px, Windows) and configurator.icns
(macOS) with Qt's own image plugins, so no extra tool is needed. Build outputs: never committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # the image plugins need an application
    out = Path(argv[0]) if argv else ROOT / "build" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg"))

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        return image

    written = []
    for name, size in (("configurator.png", 256), ("configurator.ico", 256), ("configurator.icns", 512)):
        path = out / name
        if render(size).save(str(path)):
            written.append(path)
        else:
            print(f"make_icons: Qt could not write {path.name} (image plugin missing)", file=sys.stderr)
    for path in written:
        print(path)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
