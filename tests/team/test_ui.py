"""The window's team sync: the worker runs off the GUI thread and updates the status bar and the last sync time;
the orders view lists the server's orders. Real widgets offscreen, a real server."""

from __future__ import annotations

import threading

import pytest

from tests.team.conftest import register

pytestmark = pytest.mark.gui


def test_sync_worker_runs_off_the_gui_thread_and_updates_the_status_bar(qtbot, team_db, make_laptop):
    from PySide6.QtWidgets import QLabel

    from configurator.team.local import last_sync
    from configurator.ui.team_sync import TeamSync

    _, _, url = team_db
    laptop = make_laptop("gui")
    label = QLabel()
    qtbot.addWidget(label)
    team = TeamSync(laptop.path, laptop.catalog, label, read_db=laptop.userdb)
    assert label.text() == "Team: not registered" and team.sync_now() is False
    register(laptop, url, "Window")
    laptop.issue(n=3)
    team.refresh_label()
    assert label.text() == "Team: last sync never"
    gui_thread = threading.get_ident()
    with qtbot.waitSignal(team.finished, timeout=30000) as blocker:
        assert team.sync_now() is True
        assert label.text() == "Team: syncing…"  # the call returned at once: the sync runs elsewhere
        assert team.sync_now() is False  # one at a time
    assert "error" not in blocker.args[0], blocker.args[0]
    assert team.worker_thread is not None and team.worker_thread != gui_thread
    assert blocker.args[0]["pushed"]["quotes"] == 3
    stamp = last_sync(laptop.db)
    assert stamp is not None
    from configurator.ui.team_sync import shown_time

    assert label.text() == f"Team: last sync {shown_time(stamp)} (6 items sent, 0 items received)"
    team.shutdown()


def test_an_unreachable_server_shows_offline_with_the_reason(qtbot, team_db, make_laptop, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from configurator.team import local
    from configurator.ui.team_sync import TeamSync

    _, _, url = team_db
    laptop = make_laptop("gui")
    register(laptop, url, "Window")
    with laptop.db.atomic():
        local.put(laptop.db, local.SERVER_KEY, "postgresql://127.0.0.1:1/nowhere?connect_timeout=2")
    label = QLabel()
    qtbot.addWidget(label)
    team = TeamSync(laptop.path, laptop.catalog, label, read_db=laptop.userdb)
    with qtbot.waitSignal(team.finished, timeout=30000) as blocker:
        team.sync_now()
    assert "cannot reach the team server" in blocker.args[0]["error"]
    assert label.text() == "Team: offline, last sync never" and "cannot reach" in label.toolTip()
    team.shutdown()


def test_orders_view_lists_the_servers_orders(qtbot, team_db, make_laptop):
    from configurator.team.engine import mark_won
    from configurator.ui.views.orders_view import OrdersView

    _, _, url = team_db
    sales, shop = make_laptop("sales"), make_laptop("shop")
    register(sales, url, "Sales")
    register(shop, url, "Shop")
    q1, q2, q3 = sales.issue("Ada", n=3)
    mark_won(sales.userdb, q1.label)
    mark_won(sales.userdb, q3.label)
    sales.sync()
    view = OrdersView(shop.userdb)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=30000) as blocker:
        assert view.refresh()
    assert blocker.args == [2]
    shown = [view.model.item(r, 0).text() for r in range(view.model.rowCount())]
    assert sorted(shown) == sorted([q1.label, q3.label])
    assert view.model.item(0, 2).text() == "Ada" and view.model.item(0, 5).text() == "Sales"
    assert view.status.text() == "2 orders to build"
    view.shutdown()


def test_main_window_has_the_team_menu_and_status(qtbot, catalog, tmp_path):
    from PySide6.QtCore import QSettings

    from configurator.store.userdb import UserDatabase
    from configurator.ui.context import AppContext
    from configurator.ui.main_window import MainWindow

    user_db = UserDatabase(tmp_path / "user.sqlite")
    context = AppContext(catalog=catalog, edition="internal", user_db=user_db,
                         settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context)
    qtbot.addWidget(window)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "T&eam" in menus
    assert window.team.label.text() == "Team: not registered"
    assert window.team.label in window.statusBar().findChildren(type(window.team.label))
    window.close()
    user_db.close()
