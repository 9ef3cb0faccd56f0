"""The core, catalog and store packages must not load Qt (STYLE.md: keep the core free of Qt)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["configurator.core", "configurator.catalog", "configurator.store",
                                     "configurator.present",
                                     "configurator.cli"])
def test_imports_without_qt(package):
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module('{package}')\n"
        "for m in pkgutil.walk_packages(getattr(pkg, '__path__', []), pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"{package} loaded Qt modules: {proc.stdout.strip()}"


def test_core_does_not_import_sqlite():
    code = (
        "import importlib, pkgutil, sys\n"
        "import configurator.core as pkg\n"
        "for m in pkgutil.walk_packages(pkg.__path__, 'configurator.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in ('sqlite3', 'sqlite_utils'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
