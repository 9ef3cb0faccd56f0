"""The compare tray lasts: builds added from the window, the dialog and the wizard are still there after the
dialog closes and after the app restarts (a new window on the same user database file), and the compare view
marks each row's better value with a colour and a text mark."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from configurator.core.analysis import analyze
from configurator.core.buildfile import load
from configurator.core.recommend.compare import SERVED_MIN_TOKENS_PER_S, compare_figures, winners
from configurator.present import BETTER_MARK
from configurator.store.compare_tray import CompareTray
from configurator.store.userdb import UserDatabase
from configurator.ui.context import AppContext
from tests.unit.test_build_helpers import EXAMPLES

WS, H200, B200 = "ws-2x-rtxpro6000-maxq.json", "hgx-8x-h200.json", "hgx-8x-b200.json"


@contextmanager
def running_app(qtbot, catalog, tmp_path, example=H200):
    """One run of the app: a window on the user database in ``tmp_path``, closed at the end like a quit."""
    from configurator.ui.main_window import MainWindow

    user_db = UserDatabase(tmp_path / "user.sqlite")
    user_db.start_session()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(catalog=catalog, edition="internal", settings=settings, user_db=user_db)
    window = MainWindow(context, ask=lambda *_: True)
    qtbot.addWidget(window)
    window.document.open(EXAMPLES / example)
    window.show()
    try:
        yield window
    finally:
        window.document.undo_stack.setClean()
        window.close()
        user_db.end_session()
        user_db.close()


def tools_action(window, text: str):
    """The window's menu action with ``text`` (every menu action is also an action of the window)."""
    return next(a for a in window.actions() if a.text() == text)


def open_dialog(qtbot, window):
    from configurator.ui.views.compare_dialog import CompareDialog

    dialog = CompareDialog(window.context, window.document, window)  # what Tools > Compare builds opens
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_tray_survives_closing_the_dialog_and_restarting_the_app(qtbot, catalog, tmp_path):
    with running_app(qtbot, catalog, tmp_path) as window:
        tools_action(window, "Add current build to co&mpare").trigger()
        assert "Added HGX H200" in window.statusBar().currentMessage()
        assert window.add_file_to_compare(str(EXAMPLES / WS))
        dialog = open_dialog(qtbot, window)
        assert dialog.panel.names() == [load(EXAMPLES / H200, catalog).name, load(EXAMPLES / WS, catalog).name]
        assert dialog.add_file(str(EXAMPLES / B200))
        assert not dialog.add_current()  # the same build twice is refused, and says so
        assert "already in the compare tray" in dialog.status.text()
        names = dialog.panel.names()
        shown = [[dialog.view.shown(label, c) for label in ("Price", "Tokens/s per user")] for c in range(3)]
        headers = [dialog.view.table.horizontalHeaderItem(c).text() for c in range(3)]
        dialog.close()
        dialog.deleteLater()
        again = open_dialog(qtbot, window)  # closing the dialog lost nothing
        assert again.panel.names() == names and again.view.table.columnCount() == 3
        again.close()
        again.deleteLater()

    with running_app(qtbot, catalog, tmp_path) as window:  # a restart: new window, database reopened
        dialog = open_dialog(qtbot, window)
        assert dialog.panel.names() == names
        assert dialog.panel.ticked() == names
        assert [dialog.view.table.horizontalHeaderItem(c).text() for c in range(3)] == headers
        assert [[dialog.view.shown(label, c) for label in ("Price", "Tokens/s per user")] for c in range(3)] == shown
        # unticking and removing go to the database at once
        dialog.panel.row_of(names[0]).setCheckState(Qt.CheckState.Unchecked)
        assert dialog.view.table.columnCount() == 2
        dialog.panel.list.setCurrentItem(dialog.panel.row_of(names[2]))
        dialog.panel.remove_selected()
        dialog.close()
        dialog.deleteLater()

    user_db = UserDatabase(tmp_path / "user.sqlite")
    try:
        items = CompareTray(user_db.db).items()
        assert [(i.name, i.compared) for i in items] == [(names[0], False), (names[1], True)]
    finally:
        user_db.close()


def test_a_fourth_build_unticks_the_oldest_and_the_view_follows(qtbot, catalog, app_context):
    from configurator.ui.document import BuildDocument
    from configurator.ui.views.compare_dialog import CompareDialog

    doc = BuildDocument(catalog)
    doc.open(EXAMPLES / H200)
    dialog = CompareDialog(app_context, doc)
    qtbot.addWidget(dialog)
    for name in (WS, H200, B200, "cluster-4x8-h100.json"):
        assert dialog.add_file(str(EXAMPLES / name))
    cluster = load(EXAMPLES / "cluster-4x8-h100.json", catalog).name
    assert len(dialog.panel.names()) == 4 and len(dialog.panel.ticked()) == 3
    assert dialog.panel.ticked()[-1] == cluster and dialog.panel.names()[0] not in dialog.panel.ticked()
    assert "no longer ticked" in dialog.status.text()
    assert [dialog.view.table.horizontalHeaderItem(c).text().split(". ", 1)[1] for c in range(3)] == \
        dialog.panel.ticked()
    dialog.panel.clear()
    assert dialog.view.table.columnCount() == 0 and not dialog.options_button.isEnabled()


def test_a_bad_build_file_is_refused_in_one_line(qtbot, app_context, tmp_path):
    from configurator.ui.document import BuildDocument
    from configurator.ui.views.compare_dialog import CompareDialog

    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": 1, "kind": "spaceship"}')
    doc = BuildDocument(app_context.catalog)
    dialog = CompareDialog(app_context, doc)
    qtbot.addWidget(dialog)
    assert not dialog.add_file(str(bad))
    assert dialog.status.text().startswith("Not added to compare:") and "spaceship" in dialog.status.text()
    assert CompareTray(app_context.user_db.db).items() == []


def test_each_wizard_proposal_has_add_to_compare(qtbot, app_context):
    from configurator.ui.views.wizard import WizardDialog

    wizard = WizardDialog(app_context)
    qtbot.addWidget(wizard)
    wizard.show()
    for name in ("mode-infer", "model-llama-3.1-70b", "users-8", "precision-q4_k_m", "show-proposals"):
        qtbot.mouseClick(wizard.button(name), Qt.MouseButton.LeftButton)
    proposals = wizard.recommendation.proposals
    assert len(proposals) >= 2
    for p in proposals:
        button = wizard.button(f"compare-{p.tier}")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not button.isEnabled() and "✓" in button.text()
    assert "compare tray" in wizard.compare_message.text()
    items = CompareTray(app_context.user_db.db).items()
    assert [i.name for i in items] == [f"{p.tier.capitalize()}: {p.build.name}" for p in proposals]
    assert [i.source for i in items] == [f"wizard: {p.tier}" for p in proposals]
    reloaded = [load_json(i.build_json, app_context.catalog) for i in items]
    assert [b.total_gpus for b in reloaded] == [p.build.total_gpus for p in proposals]
    assert [analyze(b, app_context.catalog).price.total for b in reloaded] == [p.price_total for p in proposals]


def load_json(text, catalog):
    from configurator.core.buildfile import loads

    return loads(text, catalog, "tray item")


@pytest.fixture
def three(catalog):
    return [load(EXAMPLES / n, catalog) for n in (WS, H200, B200)]


def test_the_better_value_of_each_row_has_a_colour_and_a_text_mark(qtbot, catalog, three):
    from configurator.ui.views.compare_view import BETTER_BACKGROUND, CompareView

    view = CompareView(catalog)
    qtbot.addWidget(view)
    workload = three[1].workload
    view.set_builds(three, workload)
    prices = [analyze(b, catalog).price.total for b in three]
    cheapest = prices.index(min(prices))
    figs = [compare_figures(b, catalog, workload) for b in three]
    most_memory = max(range(3), key=lambda c: figs[c].vram_gb)
    for label, col in (("Price", cheapest), ("Total GPU memory", most_memory)):
        for c in range(3):
            item = view.table.item(list(view.best).index(label), c)
            assert view.is_better(label, c) == (c == col), (label, c)
            assert item.text().startswith(BETTER_MARK) == (c == col)  # a text mark ...
            assert (item.background().color() == BETTER_BACKGROUND) == (c == col)  # ... and a colour
            assert item.text().endswith(view.text(label, c))
    # "GPUs" says which GPUs; no column is better
    assert not any(view.is_better("GPUs", c) for c in range(3))
    # ties share the mark: the two builds without a warning both win "Findings"
    clean = [c for c, f in enumerate(figs) if not any(x.severity in ("error", "warning") for x in f.inference.findings)]
    assert [c for c in range(3) if view.is_better("Findings", c)] == (clean if len(clean) < 3 else [])


def test_price_per_figures_follow_their_definitions(catalog, three):
    from decimal import ROUND_HALF_UP, Decimal

    from configurator.core.roi import DAYS_PER_MONTH, RoiAssumptions

    ws = three[0]
    f = compare_figures(ws, catalog)
    sweep = f.inference.inference.decode
    n = f.users_served
    assert n and not f.users_served_capped
    i = int(n) - 1  # the sweep runs over 1..512 users
    assert sweep.fits[i, 0] and sweep.per_user_tokens_per_s[i, 0] >= SERVED_MIN_TOKENS_PER_S
    assert not (sweep.fits[i + 1, 0] and sweep.per_user_tokens_per_s[i + 1, 0] >= SERVED_MIN_TOKENS_PER_S)
    cent = Decimal("0.01")
    assert f.price_per_user_served == (f.price / n).quantize(cent, ROUND_HALF_UP)
    agg = f.inference.inference.result.aggregate_tokens_per_s
    assert f.price_per_tokens_per_s == (f.price / Decimal(repr(agg))).quantize(cent, ROUND_HALF_UP)
    # without power or support, one run costs the list price spread over the hours worked in the horizon
    trains = [b for b in three if compare_figures(b, catalog).training.training.result.fits]
    assert trains, "an example build holds its training run"
    trains[0].set_roi(RoiAssumptions(kwh_price=Decimal(0), hours_per_day=Decimal(8), months=24))
    f = compare_figures(trains[0], catalog)
    hours = Decimal(repr(f.training.training.result.train_time_s)) / 3600
    assert f.price_per_training_run == (f.price * hours / (24 * DAYS_PER_MONTH * 8)).quantize(cent, ROUND_HALF_UP)


def test_a_bounded_figure_wins_only_when_the_bound_settles_it(catalog, three):
    figs = [compare_figures(b, catalog, three[1].workload) for b in three]
    exact = replace(figs[0], users_served=100, users_served_capped=False, price_per_user_served=Decimal(300))
    # the sweep's top (512 users) still serves: "512 or more", at that price per user or less
    capped_a = replace(figs[1], users_served=512, users_served_capped=True, price_per_user_served=Decimal(700))
    capped_b = replace(figs[2], users_served=512, users_served_capped=True, price_per_user_served=Decimal(800))
    # two "512 or more": either may serve more, so neither is marked
    assert winners([exact, capped_a, capped_b])["Users served"] == frozenset()
    # one bounded build shown better than the exact one wins; shown worse, nobody is marked
    assert winners([exact, capped_a])["Users served"] == frozenset({1})
    assert winners([exact, capped_a])["Price per user served"] == frozenset()
    cheap = replace(capped_a, price_per_user_served=Decimal(150))
    assert winners([exact, cheap])["Price per user served"] == frozenset({1})
    uncapped = replace(capped_a, users_served_capped=False)
    assert winners([exact, uncapped])["Price per user served"] == frozenset({0})
    assert winners([exact, uncapped])["Users served"] == frozenset({1})


def test_no_speed_is_printed_for_a_workload_the_build_cannot_hold(qtbot, catalog, three):
    from configurator.ui.views.compare_view import CompareView

    view = CompareView(catalog)
    qtbot.addWidget(view)
    w = three[1].workload
    heavy = replace(w, inference=replace(w.inference, users=400))
    view.set_builds(three[:2], heavy)
    ws = view.figures[0]
    assert not ws.inference.inference.result.fits
    assert view.text("Tokens/s per user", 0) == "— (does not fit at 400 users)"
    assert view.text("Price per token/s", 0).startswith("—") and not view.is_better("Tokens/s per user", 0)
    QApplication.processEvents()
