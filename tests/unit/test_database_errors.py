"""Every database error is one line naming the file and what to do, exit status 2, nothing changed.

Real trouble, not mocks: a read-only file system (a tmpfs remounted read-only where the machine allows
it, else a folder without write permission), a full tmpfs, damaged catalog cells and dropped columns,
a user database with a dropped table or column or a bad cell, a writer holding the lock, and real
parallel processes importing prices into one catalog.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from configurator.cli import run
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"
BUILD = str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")


def one_line_exit_2(capsys, args, *fragments) -> str:
    code = run(list(args))
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for f in fragments:
        assert f in err, (f, err)
    return err


def _mount_tmpfs(where: Path, size: str = "1m") -> bool:
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


@pytest.fixture
def read_only(tmp_path):
    """make(folder) -> the folder made read-only (a read-only tmpfs as root, else chmod 0555)."""
    mounted: list[Path] = []

    def make(folder: Path, fill=None) -> Path:
        if _mount_tmpfs(folder):
            mounted.append(folder)
            if fill:
                fill(folder)
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            if fill:
                fill(folder)
            if os.geteuid() == 0:
                pytest.skip("root ignores permissions and no tmpfs can be mounted")
            for p in [folder, *folder.rglob("*")]:
                p.chmod(0o555 if p.is_dir() else 0o444)
        return folder

    yield make
    for m in mounted:
        subprocess.run(["umount", "-l", str(m)], capture_output=True)


@pytest.fixture
def catalog_env(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def test_a_read_only_data_folder_is_one_line(tmp_path, monkeypatch, capsys, read_only, catalog_env):
    data = read_only(tmp_path / "ro")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    err = one_line_exit_2(capsys, ["quote", BUILD, "-o", str(tmp_path / "q.pdf")])
    assert "writable" in err and not (tmp_path / "q.pdf").exists()


def test_a_user_database_on_a_read_only_file_system_is_one_line(tmp_path, monkeypatch, capsys, read_only,
                                                                catalog_env):
    from configurator.store.userdb import UserDatabase

    def seed(folder):
        (folder / "ai-configurator").mkdir()
        UserDatabase(folder / "ai-configurator" / "user.sqlite").close()

    data = read_only(tmp_path / "ro", seed)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    before = (data / "ai-configurator" / "user.sqlite").read_bytes()
    err = one_line_exit_2(capsys, ["quote", BUILD, "-o", str(tmp_path / "q.pdf")], "user.sqlite")
    assert "read-only" in err or "writable" in err
    assert (data / "ai-configurator" / "user.sqlite").read_bytes() == before


def test_a_full_disk_under_the_user_database_is_one_line(tmp_path, monkeypatch, capsys, catalog_env):
    from configurator.store.userdb import UserDatabase

    data = tmp_path / "small"
    if not _mount_tmpfs(data, "256k"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        (data / "ai-configurator").mkdir()
        UserDatabase(data / "ai-configurator" / "user.sqlite").close()
        fd = os.open(data / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        monkeypatch.setenv("XDG_DATA_HOME", str(data))
        err = one_line_exit_2(capsys, ["quote", BUILD, "-o", str(tmp_path / "q.pdf")], "full")
        assert not (tmp_path / "q.pdf").exists()
    finally:
        subprocess.run(["umount", "-l", str(data)], capture_output=True)


@pytest.mark.parametrize("damage,command,fragment", [
    ("update prices set list_price = 'abc' where id = 'rtx-pro-6000-maxq'", "price", "price of 'rtx-pro-6000-maxq'"),
    ("alter table gpus drop column memory_gb", "check", "memory_gb"),
    ("update gpus set tdp_w = 'hot' where id = 'rtx-pro-6000-maxq'", "check", "tdp_w"),
    ("update gpus set sellable = 'maybe' where id = 'rtx-pro-6000-maxq'", "check", "not a bool"),
])
def test_damaged_catalog_cells_and_columns_are_one_line(writable_catalog, monkeypatch, capsys, damage, command,
                                                        fragment):
    con = sqlite3.connect(writable_catalog)
    con.execute(damage)
    con.commit()
    con.close()
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(writable_catalog))
    before = writable_catalog.read_bytes()
    err = one_line_exit_2(capsys, [command, BUILD], "damaged", fragment, str(writable_catalog))
    assert "rebuild" in err and writable_catalog.read_bytes() == before


@pytest.mark.parametrize("damage,fragment", [
    ("drop table quotes", "no such table: quotes"),
    ("alter table quotes drop column build_json", "quotes.build_json"),
    ("alter table customers drop column email", "customers.email"),
    ("update quotes set customer_json = '{not json'", "quote row"),
    ("update quotes set issue_date = 'yesterday'", "quote row"),
    ("update quotes set revision = '7'", "revision"),
])
def test_a_damaged_user_database_is_one_line(tmp_path, capsys, catalog_env, damage, fragment):
    from configurator.store.userdb import user_database_path

    assert run(["quote", BUILD, "-o", str(tmp_path / "a.pdf")]) == 0
    label = capsys.readouterr().out.split(":")[0]
    con = sqlite3.connect(user_database_path())
    con.execute(damage)
    con.commit()
    con.close()
    one_line_exit_2(capsys, ["quote", BUILD, "-o", str(tmp_path / "b.pdf"), "--revise", label], "damaged", fragment)
    assert not (tmp_path / "b.pdf").exists()


def test_a_writer_holding_the_lock_past_the_timeout_is_a_busy_line(tmp_path):
    from configurator.core.database_errors import BUSY, DatabaseProblem
    from configurator.store.connection import SafeDatabase, translated
    from configurator.store.userdb import UserDatabase

    path = tmp_path / "user.sqlite"
    UserDatabase(path).close()
    holder = sqlite3.connect(path)
    holder.execute("begin immediate")
    db = SafeDatabase(path, timeout_s=0.2)
    try:
        with pytest.raises(DatabaseProblem) as exc, translated(path, "autosaving the build"), db.atomic():
            pass
        assert exc.value.kind == BUSY and "busy" in str(exc.value) and str(path) in str(exc.value)
    finally:
        holder.rollback()
        holder.close()
        db.close()


def test_parallel_price_imports_all_apply(writable_catalog, tmp_path):
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(writable_catalog)}
    files = []
    for i in range(6):
        f = tmp_path / f"p{i}.csv"
        f.write_text(f"id,list_price\nrtx-pro-6000-maxq,{9000 + i}.00\npsu-atx-1600w,{600 + i}.00\n")
        files.append(f)
    procs = [subprocess.Popen([sys.executable, "-m", "configurator", "catalog", "import-prices", str(f)], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert all(rc == 0 for _, _, rc in results), [err for _, err, rc in results if rc]
    con = sqlite3.connect(writable_catalog)
    price = con.execute("select list_price from prices where id = 'rtx-pro-6000-maxq'").fetchone()[0]
    con.close()
    assert price in {f"{9000 + i}.00" for i in range(6)}


def test_smoke_exits_non_zero_on_a_damaged_catalog_cell(writable_catalog):
    con = sqlite3.connect(writable_catalog)
    con.execute("update prices set list_price = 'abc'")
    con.commit()
    con.close()
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(writable_catalog), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "configurator", "--smoke", BUILD], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "startup_ms" not in done.stdout
    assert "damaged" in done.stderr


def test_smoke_exits_non_zero_on_an_exception_in_the_event_loop(tmp_path, catalog_path):
    """Whatever goes wrong after the window opened (here: a slot raising) makes --smoke fail."""
    code = ("import sys\n"
            "from PySide6.QtCore import QTimer\n"
            "from PySide6.QtWidgets import QApplication\n"
            "qt = QApplication([])\n"
            "import configurator.app as app\n"
            "QTimer.singleShot(0, lambda: 1 / 0)\n"
            "sys.exit(app.run_app(smoke=''))\n")
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(catalog_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "ZeroDivisionError" in done.stderr.strip().splitlines()[-1]
