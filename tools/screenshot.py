#!/usr/bin/env python3
"""Open the window on an example build and save a screenshot of the whole screen, as a user would see it.

Run under a real X server of the size to check, e.g.
    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshot.py hgx-8x-h200 out.png [--visitor]
With ``--dpr 2`` Qt scales the window by 2 (QT_SCALE_FACTOR), as on a high-density screen of half the size.
User data goes to a temporary directory (a first start: no saved window geometry).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("example")
    parser.add_argument("out", type=Path)
    parser.add_argument("--visitor", action="store_true", help="switch visitor mode on (F11)")
    parser.add_argument("--dpr", type=float, default=1.0)
    parser.add_argument("--edition", default="internal")
    args = parser.parse_args()
    if args.dpr != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.dpr)
    tmp = tempfile.mkdtemp(prefix="shot-")
    os.environ.setdefault("XDG_DATA_HOME", f"{tmp}/data")
    os.environ.setdefault("XDG_CONFIG_HOME", f"{tmp}/config")
    os.environ["CONFIGURATOR_EDITION"] = args.edition
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # before the window's modules: they build key sequences at import
    from configurator.app import create_context
    from configurator.ui.main_window import MainWindow

    window = MainWindow(create_context(None))
    window.document.open(ROOT / "resources" / "examples" / f"{args.example}.json")
    window.show_on_screen()
    if args.visitor:
        window.set_presentation(True)

    def shoot() -> None:
        screen = window.screen()
        screen.grabWindow(0).save(str(args.out))
        window.files.shutdown()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
