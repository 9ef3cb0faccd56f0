from __future__ import annotations

import pytest


@pytest.fixture
def app_context(catalog, tmp_path, qapp):
    from PySide6.QtCore import QSettings

    from configurator.store.userdb import UserDatabase
    from configurator.ui.context import AppContext

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    user_db = UserDatabase(tmp_path / "user.sqlite")
    user_db.start_session()
    yield AppContext(catalog=catalog, edition="internal", settings=settings, user_db=user_db)
    user_db.close()


@pytest.fixture(autouse=True)
def _no_leaked_top_level_widgets(qapp):
    """A test must not leave a top-level widget behind (napari's check)."""
    from PySide6.QtWidgets import QApplication

    before = {id(w) for w in QApplication.topLevelWidgets()}
    yield
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if id(w) not in before and w.isVisible()]
    assert not leaked, f"leaked top-level widgets: {[type(w).__name__ for w in leaked]}"
