"""The window side of issue 12 (offscreen, real widgets and events): one undo step per gesture, autosave on
every change, save/autosave failures shown once and retried, a build that could never be saved refused on
open, the open build following a price import, and the quote dialog reading numbers in the user's locale,
hiding the exchange rate in the customer edition and signing approvals in the manager role."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

from configurator.core.buildfile import load
from configurator.store.userdb import UserDatabase
from configurator.ui.document import BuildDocument
from configurator.ui.file_controller import FileController
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"


@pytest.fixture
def panel(qtbot, catalog):
    from configurator.ui.views.workload_panel import WorkloadPanel

    window = QWidget()
    qtbot.addWidget(window)
    doc = BuildDocument(catalog, parent=window)
    doc.open(EXAMPLES / "hgx-8x-h200.json")
    panel = WorkloadPanel(doc, window)
    window.show()
    yield doc, panel
    window.close()


def drag(slider, values) -> None:
    """A real press on the slider, moves, a release: one gesture."""
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 3))
    for v in values:
        slider.setValue(v)
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 3))


def test_two_drags_of_one_slider_are_two_undo_steps(panel):
    doc, p = panel
    start = doc.build.workload.inference.users
    drag(p.users.slider, [10, 20, 30])
    drag(p.users.slider, [40, 44])
    assert doc.build.workload.inference.users == 44
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert doc.build.workload.inference.users == 30
    doc.undo_stack.undo()
    assert doc.build.workload.inference.users == start


def test_a_pause_starts_a_new_step(panel, monkeypatch):
    import configurator.ui.undo as undo

    doc, p = panel
    now = [1000.0]
    monkeypatch.setattr(undo.time, "monotonic", lambda: now[0])
    p.users.spin.setValue(10)
    now[0] += 0.1
    p.users.spin.setValue(12)  # same gesture, no pause: merged
    now[0] += undo.PAUSE_S + 0.5
    p.users.spin.setValue(14)
    assert doc.undo_stack.count() == 2


@pytest.fixture
def files(qtbot, catalog, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: files_warnings.append(a[2]))
    files_warnings: list[str] = []
    window = QWidget()
    qtbot.addWidget(window)
    db = UserDatabase(tmp_path / "user.sqlite")
    db.start_session()
    doc = BuildDocument(catalog, parent=window)
    notes: list[tuple[str, str]] = []
    controller = FileController(doc, db, window, ask=lambda *a: True, parent=window,
                                notify=lambda title, text: notes.append((title, text)))
    controller.notes, controller.warnings = notes, files_warnings
    yield controller
    controller.shutdown()
    db.close()


def stored_users(db) -> int:
    import json

    row = db.db.execute("select build_json from autosaves").fetchone()
    return json.loads(row[0])["workload"]["inference"]["users"]


def test_autosave_follows_every_change_also_a_merged_one(files):
    doc = files.document
    files.open(EXAMPLES / "hgx-8x-h200.json")
    doc.set_workload(_users(doc, 9), merge_key="users")
    assert files.autosave() and stored_users(files.user_db) == 9
    doc.set_workload(_users(doc, 44), merge_key="users")  # merges: the undo index does not move
    assert doc.undo_stack.count() == 1
    assert files.autosave() and stored_users(files.user_db) == 44  # the window and the autosave agree
    assert not files.autosave()  # nothing changed since


def _users(doc, n):
    from dataclasses import replace

    w = doc.build.workload
    return replace(w, inference=replace(w.inference, users=n))


def test_an_autosave_failure_is_shown_once_and_retried(files):
    doc = files.document
    files.open(EXAMPLES / "hgx-8x-h200.json")
    db = files.user_db.db
    db.execute("pragma query_only = 1")  # SQLite itself refuses every write: "attempt to write a readonly database"
    for n in (5, 6, 7):
        doc.set_workload(_users(doc, n), merge_key=None)
        assert files.autosave() is False  # never raises out of the timer
    assert [t for t, _ in files.notes] == ["Autosave failed"]
    assert "Save as" in files.notes[0][1] and "retried" in files.notes[0][1]
    db.execute("pragma query_only = 0")
    assert files.autosave() and stored_users(files.user_db) == 7
    assert [t for t, _ in files.notes] == ["Autosave failed", "Autosave works again"]


def test_an_autosave_on_a_full_disk_is_shown_once_and_works_again_when_space_is_freed(qtbot, catalog, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        window = QWidget()
        qtbot.addWidget(window)
        db = UserDatabase(mount / "user.sqlite")
        db.start_session()
        doc = BuildDocument(catalog, parent=window)
        notes: list[str] = []
        files = FileController(doc, db, window, ask=lambda *a: True, parent=window,
                               notify=lambda title, text: notes.append(title))
        files.open(EXAMPLES / "hgx-8x-h200.json")
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        for n in range(3):
            doc.set_notes("x" * 200_000 + str(n))  # a change too large for what is left
            assert files.autosave() is False
        assert notes == ["Autosave failed"]
        (mount / "filler").unlink()
        assert files.autosave()
        assert notes == ["Autosave failed", "Autosave works again"]
        files.shutdown()
        db.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_build_that_could_never_be_saved_is_refused_on_open(files, tmp_path):
    text = (EXAMPLES / "ws-2x-rtxpro6000-maxq.json").read_text(encoding="utf-8")
    bad = tmp_path / "surrogate.json"
    bad.write_text(text.replace('"name": "', '"name": "\\ud800 ', 1), encoding="utf-8")
    before = files.document.snapshot()
    assert not files.open(bad)
    assert files.warnings and "lone surrogate" in files.warnings[0] and "$.name" in files.warnings[0]
    assert files.document.snapshot() == before


def test_the_open_build_follows_a_price_import_from_another_process(qtbot, catalog_path, tmp_path):
    from configurator.catalog import CatalogRepository

    copy = tmp_path / "catalog.sqlite"
    shutil.copy(catalog_path, copy)
    repo = CatalogRepository(copy)
    window = QWidget()
    qtbot.addWidget(window)
    doc = BuildDocument(repo, parent=window)
    doc.open(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")
    before = doc.recompute().price.total
    unit = repo.price("rtx-pro-6000-maxq").list_price
    csv = tmp_path / "p.csv"
    csv.write_text(f"id,list_price\nrtx-pro-6000-maxq,{unit + 1000}\n", encoding="utf-8")
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(copy)}
    done = subprocess.run([sys.executable, "-m", "configurator", "catalog", "import-prices", str(csv)], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert doc.follow_catalog()  # what the document's timer calls every CATALOG_POLL_MS
    with qtbot.waitSignal(doc.analysis_ready, timeout=5000):
        pass
    assert doc.analysis.price.total == before + 2000  # two cards at the new price
    window.close()
    repo.close()


@pytest.fixture
def dialog_for(qtbot, catalog, tmp_path):
    from configurator.ui.views.quote_dialog import QuoteDialog

    opened = []

    def make(edition="internal", locale="en_US", name="ws-2x-rtxpro6000-maxq"):
        from configurator.core.analysis import analyze

        build = load(EXAMPLES / f"{name}.json", catalog)
        user_db = UserDatabase(tmp_path / "user.sqlite")
        opened.append(user_db)
        context = SimpleNamespace(catalog=catalog, edition=edition, settings=None, user_db=user_db)
        dialog = QuoteDialog(context, SimpleNamespace(build=build, analysis=analyze(build, catalog)),
                             locale=QLocale(locale))
        qtbot.addWidget(dialog)
        dialog.name.setText("Jane Roe")
        return dialog

    yield make
    for db in opened:
        db.close()


def test_numbers_are_read_in_the_users_locale(dialog_for):
    de = dialog_for(locale="de_DE")
    de.currency.setText("EUR")
    de.rate.setText("0,92")
    de.discount.setText("5,5")
    de.tax.setText("19")
    quote = de.draft()
    assert quote.exchange_rate == Decimal("0.92") and quote.discount_percent == Decimal("5.5")
    de.rate.setText("0.92")  # a point in German is a thousands separator: not a rate, and never 92
    assert "Cannot issue" in de.status.text() and "exchange rate" in de.status.text()
    assert not de.export_button.isEnabled()
    en = dialog_for(locale="en_US")
    en.discount.setText("5,5")
    assert "Cannot issue" in en.status.text() and "discount" in en.status.text()
    en.discount.setText("5.5")
    assert en.draft().discount_percent == Decimal("5.5")


def test_the_customer_edition_dialog_has_no_rate_currency_or_role_choice(dialog_for):
    d = dialog_for(edition="customer")
    for widget in (d.rate, d.currency, d.discount, d.approval_code, d.role_label):
        assert widget.parent() is None  # not in the dialog at all
    d.rate.setText("0.01")  # even if set programmatically it is not used
    assert d.draft().exchange_rate == 1 and d.draft().discount_percent == 0


def test_the_role_is_the_installations_and_a_manager_signs_approvals_in_the_dialog(dialog_for, tmp_path):
    from configurator.core.quotes.approvals import generate_key, load_private_key, sign_policy
    from configurator.store.quotes import QuoteStore

    pem, public = generate_key()
    key = tmp_path / "manager.pem"
    key.write_bytes(pem)
    seller = dialog_for()
    assert not hasattr(seller, "role") and seller.approver_box is None  # no role to choose
    assert "sales engineer (discount limit 10%)" in seller.role_label.text()
    store = QuoteStore(seller.store.db)
    store.trust(public)
    store.set_policy(sign_policy(load_private_key(pem), store.installation_id(), {"role": "manager", "limit": "15"}))
    manager = dialog_for()
    assert manager.approver_box is not None and "manager" in manager.role_label.text()
    manager.discount.setText("25")
    assert "Needs approval" in manager.status.text()
    from configurator.core.quotes import quote_prices

    draft = manager.draft()
    total = quote_prices(draft, manager.document.build).total
    manager.sign_key.setText(str(key))
    manager.sign_number.setText(draft.number)
    manager.sign_discount.setText("25")
    manager.sign_total.setText(f"USD {total:,}")
    token = manager.sign_approval()
    assert token.startswith("A1:" + draft.number)
    manager.approval_code.setText(token)
    assert "(approved)" in manager.status.text() and manager.export_button.isEnabled()


def test_a_second_window_autosaves_while_another_process_holds_the_write_lock(files):
    """A quote being issued elsewhere holds the user database's write lock: the autosave waits at most a
    second, says nothing for a brief hold, and writes on the tick after the lock is released."""
    doc = files.document
    files.open(EXAMPLES / "hgx-8x-h200.json")
    doc.set_workload(_users(doc, 17))
    holder = sqlite3.connect(files.user_db.path)
    holder.execute("begin immediate")
    try:
        assert files.autosave() is False and files.notes == []
    finally:
        holder.rollback()
        holder.close()
    assert files.autosave() and stored_users(files.user_db) == 17 and files.notes == []
