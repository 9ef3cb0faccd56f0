"""The compare tray in the user database: order, the three-compared limit, refusals, and a real reopen."""

from __future__ import annotations

import json

import pytest

from configurator.core.errors import ConfiguratorError
from configurator.store.compare_tray import MAX_COMPARED, MAX_ITEMS, CompareTray, TrayError
from configurator.store.userdb import UserDatabase


def build_json(n: int) -> str:
    return json.dumps({"schema": 1, "kind": "workstation", "name": f"build {n}"})


@pytest.fixture
def user_db(tmp_path):
    db = UserDatabase(tmp_path / "user.sqlite")
    yield db
    db.close()


def test_items_keep_their_order_and_survive_a_reopen(tmp_path):
    path = tmp_path / "user.sqlite"
    db = UserDatabase(path)
    tray = CompareTray(db.db)
    for n in range(3):
        tray.add(f"Build {n}", build_json(n), source=f"/builds/{n}.json")
    tray.rename(tray.items()[1].id, "  The   middle one ")
    db.close()

    again = UserDatabase(path)  # a new connection on the same file: what a restart sees
    try:
        items = CompareTray(again.db).items()
        assert [i.name for i in items] == ["Build 0", "The middle one", "Build 2"]
        assert [i.build_json for i in items] == [build_json(n) for n in range(3)]
        assert [i.source for i in items] == [f"/builds/{n}.json" for n in range(3)]
        assert all(i.compared for i in items)
    finally:
        again.close()


def test_a_fourth_compared_build_unticks_the_oldest_which_stays(user_db):
    tray = CompareTray(user_db.db)
    first = [tray.add(f"B{n}", build_json(n))[0] for n in range(MAX_COMPARED)]
    item, unticked = tray.add("B3", build_json(3))
    assert unticked is not None and unticked.id == first[0].id and not unticked.compared
    assert [i.name for i in tray.compared()] == ["B1", "B2", "B3"]
    assert len(tray) == 4  # nothing left the tray
    # ticking the old one again unticks the oldest ticked one (B1)
    unticked = tray.set_compared(first[0].id, True)
    assert unticked.name == "B1"
    assert [i.name for i in tray.compared()] == ["B0", "B2", "B3"]
    assert tray.set_compared(item.id, False) is None
    assert [i.name for i in tray.compared()] == ["B0", "B2"]


def test_refusals_change_nothing(user_db):
    tray = CompareTray(user_db.db)
    tray.add("Same", build_json(0))
    with pytest.raises(TrayError, match="already in the compare tray"):
        tray.add("Again", build_json(0))
    with pytest.raises(ConfiguratorError, match="needs a name"):
        tray.add("   ", build_json(1))
    with pytest.raises(ConfiguratorError, match="JSON object"):
        tray.add("Broken", "{not json")
    for n in range(1, MAX_ITEMS):
        tray.add(f"B{n}", build_json(n))
    with pytest.raises(TrayError, match=f"holds {MAX_ITEMS} builds"):
        tray.add("One too many", build_json(99))
    assert len(tray) == MAX_ITEMS and [i.name for i in tray.items()][0] == "Same"
    with pytest.raises(TrayError, match="no build"):
        tray.remove(12345)
    tray.remove(tray.items()[0].id)
    assert len(tray) == MAX_ITEMS - 1
    tray.clear()
    assert tray.items() == []
