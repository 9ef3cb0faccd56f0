"""The user database: autosave survives a crash (an unclosed session), a clean exit clears it."""

from __future__ import annotations

import sqlite3

import pytest

from configurator.store.userdb import UserDatabase, UserDatabaseError


def test_autosave_offered_only_after_an_unclean_exit(tmp_path):
    path = tmp_path / "user.sqlite"
    first = UserDatabase(path)
    first.start_session()
    first.autosave('{"schema": 1}', "/tmp/a.json")
    first.close()  # no end_session: the app died

    second = UserDatabase(path)
    second.start_session()
    found = second.crashed_autosaves()
    assert [a.build_json for a in found] == ['{"schema": 1}']
    assert found[0].file_path == "/tmp/a.json"
    second.discard_autosave(found[0].session_id)
    assert second.crashed_autosaves() == []
    second.autosave('{"schema": 1, "n": 2}')
    second.end_session()
    second.close()

    third = UserDatabase(path)
    third.start_session()
    assert third.crashed_autosaves() == []
    third.close()


def test_recent_files_newest_first_and_bounded(tmp_path):
    db = UserDatabase(tmp_path / "user.sqlite")
    for i in range(15):
        db.add_recent(tmp_path / f"b{i}.json")
    recent = db.recent_files()
    assert len(recent) == 10
    assert recent[0].endswith("b14.json")
    db.add_recent(tmp_path / "b3.json")
    assert db.recent_files()[0].endswith("b3.json")
    db.close()


def test_migrations_recorded_and_reapplied_idempotently(tmp_path):
    path = tmp_path / "user.sqlite"
    UserDatabase(path).close()
    UserDatabase(path).close()
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("select name from _sqlite_migrations order by rowid")]
    con.close()
    assert names[:2] == ["m001_sessions_and_autosave", "m002_recent_files"]
    assert len(names) == len(set(names))  # applied once each, in order


def test_corrupt_user_database_is_a_clear_error(tmp_path):
    path = tmp_path / "user.sqlite"
    path.write_bytes(b"\x00garbage" * 500)
    with pytest.raises(UserDatabaseError, match="damaged"):
        UserDatabase(path)
