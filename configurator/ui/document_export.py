"""File > Export build sheet / Export BOM: a build's documents without a quote (no customer, no quote number;
the user database is not touched). The same documents as `configurator build-sheet` and `configurator bom`."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from configurator.core.errors import ConfiguratorError

PDF_FILTER = "PDF document (*.pdf)"
CSV_FILTER = "CSV spreadsheet (*.csv)"


def _suggested(window, suffix: str, what: str) -> str:
    """A file name beside the build file, from the build's name (a name typed into a file dialog stays as typed)."""
    document = window.document
    stem = document.path.stem if document.path is not None else (document.build.name or "build")
    stem = re.sub(r"[^\w.+-]+", "-", stem).strip("-") or "build"
    folder = document.path.parent if document.path is not None else Path.home()
    return str(folder / f"{stem}-{what}{suffix}")


def _target(window, path, title: str, suffix: str, what: str, filter_: str) -> Path | None:
    if path is None:
        suggested = Path(_suggested(window, suffix, what))
        dialogs = getattr(window, "dialogs", None)  # ui/dialog_folders.py: the last export folder is remembered
        if dialogs is not None:
            path = dialogs.save_file(window, "export", title, filter_, suggested.name, fallback=suggested.parent)
        else:
            path, _ = QFileDialog.getSaveFileName(window, title, str(suggested), filter_)
        if not path:
            return None
        if not str(path).lower().endswith(suffix):
            path = f"{path}{suffix}"
    path = Path(path)
    if window.document.path is not None and path.resolve() == Path(window.document.path).resolve():
        raise ConfiguratorError(f"{path} is the build file itself: choose another name")
    if not path.resolve().parent.is_dir():
        raise ConfiguratorError(f"the folder of {path} does not exist")
    return path


def _failed(window, title: str, exc: Exception) -> None:
    QMessageBox.warning(window, title, " ".join(str(exc).split()))


def export_build_sheet(window, path: str | Path | None = None) -> Path | None:
    """Write the build sheet PDF of the window's build (asking where when ``path`` is None); the path written,
    None when cancelled or failed (the failure is a message box; nothing half-written is left)."""
    from configurator.core.analysis import analyze
    from configurator.export.branding import load_branding
    from configurator.export.build_sheet import build_sheet_document
    from configurator.export.pdf import write_pdf
    from configurator.present import count

    title = "Export build sheet"
    try:
        target = _target(window, path, title, ".pdf", "build-sheet", PDF_FILTER)
        if target is None:
            return None
        build = window.document.build
        analysis = analyze(build, window.document.catalog)
        pages = write_pdf(build_sheet_document(build, analysis, load_branding()), target, analysis)
    except (ConfiguratorError, OSError) as exc:
        _failed(window, title, exc)
        return None
    window.statusBar().showMessage(f"Build sheet written: {target} ({count(pages, 'page')})", 8000)
    return target


def export_bom(window, path: str | Path | None = None) -> Path | None:
    """Write the BOM CSV of the window's build at list price, customer edition (no dealer cost on a file
    that may be passed on); as ``export_build_sheet``."""
    from configurator.core.pricing import price_build
    from configurator.export.bom import write_bom
    from configurator.present import count

    title = "Export BOM"
    try:
        target = _target(window, path, title, ".csv", "bom", CSV_FILTER)
        if target is None:
            return None
        build = window.document.build
        sheet = price_build(build)
        write_bom(target, sheet, "customer", build.name)
    except (ConfiguratorError, OSError) as exc:
        _failed(window, title, exc)
        return None
    window.statusBar().showMessage(f"BOM written: {target} ({count(len(sheet.lines), 'line')})", 8000)
    return target
