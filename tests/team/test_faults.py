"""Faults: the server killed in the middle of a sync and restarted, two syncs at once, a server restored from a
backup taken before the last sync, a clean restart between syncs. Each ends with no duplicate and no gap."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from configurator.team.connection import TeamServerError
from tests.team.conftest import register


def _server_keys(url):
    with psycopg.connect(url) as conn:
        rows = conn.execute("select prefix, sequence, revision from quote_revisions").fetchall()
    assert len(rows) == len(set(rows))  # the primary key says so too; the count is what a gap would change
    return set(rows)


def _local_keys(laptop):
    return {(r["prefix"], r["sequence"], r["revision"]) for r in laptop.db["quotes"].rows_where("status = 'issued'")}


def test_server_killed_between_batches_then_restarted(team_db, make_laptop):
    server, _, url = team_db
    a = make_laptop("a")
    register(a, url, "A")
    a.issue(n=45)
    batches = []

    def kill_after_two(kind, done, total):
        batches.append((kind, done))
        if kind == "quotes" and len([b for b in batches if b[0] == "quotes"]) == 2:
            server.kill()  # SIGKILL of the postmaster: every backend goes with it

    with pytest.raises(TeamServerError) as err:
        a.sync(batch_size=10, on_batch=kill_after_two)
    assert "\n" not in str(err.value) and "next sync" in str(err.value)
    server.start()  # crash recovery
    pushed_before = a.db.execute("select count(*) from team_pushed where kind = 'quote'").fetchone()[0]
    assert pushed_before == 20  # two batches committed and recorded, nothing more
    assert len(_server_keys(url)) == 20
    result = a.sync(batch_size=10)
    assert result.pushed["quotes"] == 25 and not result.reconciled
    assert _server_keys(url) == _local_keys(a)
    assert a.sync().pushed["quotes"] == 0


def test_server_killed_during_a_large_push_from_another_thread(team_db, make_laptop):
    server, _, url = team_db
    a = make_laptop("a")
    register(a, url, "A")
    a.issue(n=60)
    started = threading.Event()

    def progress(kind, done, total):
        if kind == "quotes":
            started.set()
        time.sleep(0.02)  # the kill lands while batches are still to go

    killer = threading.Thread(target=lambda: (started.wait(30), server.kill()))
    killer.start()
    try:
        a.sync(batch_size=5, on_batch=progress)
    except TeamServerError:
        pass  # cut off wherever the kill landed
    killer.join()
    server.start()
    a.sync()
    assert _server_keys(url) == _local_keys(a)


def test_two_syncs_at_once_one_laptop_and_two_laptops(team_db, make_laptop):
    from configurator.store.userdb import UserDatabase
    from configurator.team.engine import SyncEngine

    _, _, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    a.issue("Ada", n=30)
    b.issue("Bea", n=30)
    results, errors = [], []

    def sync(path, catalog):
        db = UserDatabase(path)  # a SQLite connection per thread, as two processes would have
        try:
            results.append((str(path), SyncEngine(db, catalog, batch_size=7).run()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=sync, args=(l.path, l.catalog)) for l in (a, a, b, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for laptop in (a, b):
        mine = [r for p, r in results if p == str(laptop.path)]
        # the two syncs of one installation queue: together they send each revision once
        assert sorted(r.pushed["quotes"] for r in mine) == [0, 30]
    assert _server_keys(url) == _local_keys(a) | _local_keys(b)
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from customers").fetchone()[0] == 60


def test_restored_from_a_backup_taken_before_the_last_sync(team_db, make_laptop):
    from dataclasses import replace

    server, name, url = team_db
    a, b = make_laptop("a"), make_laptop("b")
    register(a, url, "A")
    register(b, url, "B")
    a.issue("Ada", n=5)
    b.issue("Bea", n=2)
    a.sync()
    b.sync()
    backup = server.backup(name)
    a.issue("Ada", n=4)
    cust = a.store().customers()[0]
    a.store().save_customer(replace(cust, email="new@example"))
    a.sync()
    b.sync()
    assert len(_server_keys(url)) == 11
    server.restore(name, backup)
    assert len(_server_keys(url)) == 7  # the server lost A's last sync
    result = a.sync()
    assert result.reconciled
    assert _server_keys(url) == _local_keys(a) | _local_keys(b)
    with psycopg.connect(url) as conn:
        assert conn.execute("select email from customers where name = 'Ada' and email = 'new@example'").fetchone()
    assert not b.sync().reconciled  # B's last mark is in the backup: it lost nothing
    assert _server_keys(url) == _local_keys(a) | _local_keys(b)
    assert a.sync().pushed["quotes"] == 0


def test_a_clean_restart_between_syncs(team_db, make_laptop):
    server, _, url = team_db
    a = make_laptop("a")
    register(a, url, "A")
    a.issue(n=2)
    a.sync()
    server.stop()
    a.issue(n=1)
    with pytest.raises(TeamServerError, match="cannot reach the team server"):
        a.sync()
    server.start()
    assert a.sync().pushed["quotes"] == 1
    assert _server_keys(url) == _local_keys(a)
