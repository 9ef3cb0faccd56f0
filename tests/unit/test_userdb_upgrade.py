"""The user database upgrades in place from every earlier schema version, keeping its data.

Each earlier version is made by applying the real migrations up to (not including) one of them
(sqlite-utils ``stop_before``), filled with the data that version can hold, then opened with the
current UserDatabase: every migration must be applied once, in order, and every row must survive.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from configurator.store.userdb import UserDatabase, migrations

ALL = [m.name for m in migrations.pending(Database(memory=True))]
BUILD_JSON = '{"schema": 1, "kind": "workstation", "notes": "autosaved before the upgrade"}'


def _seed(db: Database) -> dict[str, int]:
    """Rows a user of that version would have; returns the row count written per table."""
    tables = set(db.table_names())
    written: dict[str, int] = {}
    if "sessions" in tables:
        db["sessions"].insert_all([
            {"id": 1, "pid": 100, "started_at": "2025-03-01T09:00:00+00:00", "closed_at": "2025-03-01T18:00:00+00:00"},
            {"id": 2, "pid": 101, "started_at": "2025-03-02T09:00:00+00:00", "closed_at": None},  # crashed
        ])
        db["autosaves"].insert({"session_id": 2, "build_json": BUILD_JSON, "file_path": "/builds/ws.json",
                                "saved_at": "2025-03-02T10:00:00+00:00"})
        written.update(sessions=2, autosaves=1)
    if "recent_files" in tables:
        db["recent_files"].insert_all([{"path": f"/builds/b{i}.json", "opened_at": f"2025-03-0{i}T12:00:00"}
                                       for i in range(1, 4)])
        written["recent_files"] = 3
    if "settings" in tables:
        db["settings"].insert({"key": "quote_prefix", "value": "K7Q"})
        written["settings"] = 1
    if "customers" in tables:
        db["customers"].insert({"id": 1, "name": "Ada Lovelace", "company": "Analytical", "created_at": "2025-03-01"})
        db["quotes"].insert({"prefix": "K7Q", "sequence": 1, "revision": "A", "status": "issued", "customer_id": 1,
                             "customer_json": "{}", "build_json": BUILD_JSON, "issue_date": "2025-03-01",
                             "valid_until": "2025-03-31", "created_at": "2025-03-01", "tax_percent": "8.25"})
        written.update(customers=1, quotes=1)
    if "imported_models" in tables:
        db["imported_models"].insert({"id": "my-model", "arch_json": "{}", "source_file": "/models/config.json",
                                      "imported_at": "2025-03-03T11:00:00"})
        written["imported_models"] = 1
    if "compare_tray" in tables:
        db["compare_tray"].insert({"position": 1, "name": "Tower for the lab", "build_json": BUILD_JSON,
                                   "source": "/builds/ws.json", "compared": 1, "added_at": "2025-03-03T12:00:00"})
        written["compare_tray"] = 1
    if "team_pushed" in tables:  # m010: what a laptop recorded of its syncs with a team server
        db["team_pushed"].insert({"kind": "quote", "key": "K7Q-1-A", "hash": "ab12", "pushed_at": "2025-03-04"})
        db["team_customers"].insert({"customer_id": 1, "uid": "6f1c0f5e-0000-4000-8000-000000000001",
                                     "base_json": '{"name": "Ada Lovelace"}'})
        db["team_price_lists"].insert({"version": 3, "published_at": "2025-03-04T08:00:00+00:00",
                                       "effective_date": "2025-03-04", "currency": "USD", "rows": 10,
                                       "applied_at": "2025-03-04T09:00:00+00:00"})
        db["team_orders"].insert({"prefix": "K7Q", "sequence": 1, "revision": "A", "marked_at": "2025-03-05"})
        written.update(team_pushed=1, team_customers=1, team_price_lists=1, team_orders=1)
    return written


@pytest.mark.parametrize("stop_before", ALL, ids=[f"before-{n}" for n in ALL])
def test_upgrade_from_every_earlier_version_keeps_the_data(tmp_path, stop_before):
    path = tmp_path / "user.sqlite"
    old = Database(path)
    migrations.apply(old, stop_before=stop_before)
    applied_before = [m.name for m in migrations.applied(old)]
    assert applied_before == ALL[: ALL.index(stop_before)]  # really an earlier version
    written = _seed(old)
    old.close()

    db = UserDatabase(path)
    try:
        assert [m.name for m in migrations.applied(db.db)] == ALL  # each applied once, in order
        for table, count in written.items():
            assert db.db[table].count == count, table
        if "autosaves" in written:
            crashed = db.crashed_autosaves()
            assert [(a.session_id, a.build_json, a.file_path) for a in crashed] == [(2, BUILD_JSON, "/builds/ws.json")]
        if "recent_files" in written:
            assert db.recent_files() == ["/builds/b3.json", "/builds/b2.json", "/builds/b1.json"]
        if "settings" in written:
            assert db.db["settings"].get("quote_prefix")["value"] == "K7Q"
        # the upgraded file works for everything the current version does
        db.start_session()
        db.autosave(BUILD_JSON, None)
        db.add_recent(tmp_path / "new.json")
        db.db["customers"].insert({"name": "Grace", "created_at": "2025-04-01"})
        assert db.db["customers"].count == written.get("customers", 0) + 1
    finally:
        db.close()


def test_the_upgrade_is_idempotent_and_leaves_a_sound_file(tmp_path):
    path = tmp_path / "user.sqlite"
    old = Database(path)
    migrations.apply(old, stop_before=ALL[1])
    _seed(old)
    old.close()
    UserDatabase(path).close()
    UserDatabase(path).close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        names = [r[0] for r in con.execute("select name from _sqlite_migrations order by rowid")]
    finally:
        con.close()
    assert names == ALL


def test_the_current_version_is_covered():
    # a new migration must extend _seed with the data it adds (so its upgrade is tested with data)
    assert ALL == ["m001_sessions_and_autosave", "m002_recent_files", "m003_settings", "m004_customers_and_quotes",
                   "m005_imported_models", "m006_compare_tray", "m007_quote_integrity_and_approvers",
                   "m008_quote_options", "m009_branding", "m010_team_sync"]
