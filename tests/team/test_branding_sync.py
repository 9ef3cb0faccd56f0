"""The office's letterhead through the real server: published from the office's user database with `team
publish-branding`, pulled by each laptop's sync into its own branding (what quotes, build sheets and BOMs
print), readable by every installation's role and writable by the office only."""

from __future__ import annotations

import itertools
import json
import struct
import zlib
from datetime import timezone
from pathlib import Path

import psycopg
import pytest

from configurator.store.branding import BrandingRecord, BrandingStore
from configurator.team import local, schema
from configurator.team.admin import init_server
from tests.team.conftest import register
from tests.team.test_cli import DEAD, _cli, _dump, _userdb_path
from tests.team.test_roles import _as

_names = itertools.count(1)


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A real 1x1 PNG of one colour (each colour gives other bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00" + bytes(rgb)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


OFFICE_FIELDS = {"company": "Northwind Compute GmbH", "address": ["Hafenstrasse 7", "20457 Hamburg", "Germany"],
                 "contact": ["sales@northwind.example", "+49 40 555 0100"], "tax_id": "DE811907980",
                 "terms": ["Prices exclude VAT. Valid for 30 days."], "footer": "",
                 "burn_in_note": "72-hour burn-in with DCGM level 3."}


def _save_office_branding(fields: dict, logo: bytes) -> None:
    """The office's own installation (the default user database of the command line) saves its letterhead."""
    from configurator.store.userdb import UserDatabase

    db = UserDatabase(_userdb_path())
    try:
        BrandingStore(db.db).save(BrandingRecord(fields, logo, "northwind.png"))
    finally:
        db.close()


def _server_branding(url):
    with psycopg.connect(url) as conn:
        return conn.execute("select fields, logo, published_at from branding").fetchall()


@pytest.fixture
def office_url(pg_server, writable_catalog, monkeypatch):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(writable_catalog))
    url = pg_server.create_database(f"brandflow{next(_names)}")  # a database name is taken once per server
    init_server(url)
    return url


def test_the_office_letterhead_comes_down_once_and_again_when_republished(office_url, make_laptop, capsys):
    from configurator.export.branding import load_branding

    url = office_url
    logo = _png((200, 30, 30))
    _save_office_branding(OFFICE_FIELDS, logo)
    rc, out, err = _cli(capsys, "team", "publish-branding", "--server", url)
    assert rc == 0 and "Northwind Compute GmbH" in out, err
    [(fields, server_logo, first_at)] = _server_branding(url)
    assert fields["tax_id"] == "DE811907980" and bytes(server_logo) == logo

    sales, visitor = make_laptop("sales"), make_laptop("visitor")
    register(sales, url, "Sales")
    register(visitor, url, "Visitor Inc", edition="customer")
    BrandingStore(sales.db).save(BrandingRecord({"company": "Sales laptop's own", "tax_id": "XX1"}))
    result = sales.sync()
    assert result.pulled["branding"] == 1 and result.refused == []
    printed = load_branding(user_db_path=sales.path)  # what its quotes, build sheets and BOMs print
    assert (printed.company, printed.tax_id, printed.source) == ("Northwind Compute GmbH", "DE811907980",
                                                                 "user database")
    assert printed.address == tuple(OFFICE_FIELDS["address"]) and Path(printed.logo).read_bytes() == logo
    assert local.setting(sales.db, local.BRANDING_KEY) == first_at.astimezone(timezone.utc).isoformat()
    # nothing new on the server: nothing pulled, and the laptop's branding row is not rewritten
    saved_at = BrandingStore(sales.db).get().updated_at
    assert sales.sync().pulled["branding"] == 0
    assert BrandingStore(sales.db).get().updated_at == saved_at
    # a customer-edition laptop prints the office's letterhead too
    assert visitor.sync().pulled["branding"] == 1
    assert load_branding(user_db_path=visitor.path).company == "Northwind Compute GmbH"

    # an edit on the laptop after the office's publication stays until the office publishes again
    BrandingStore(sales.db).save(BrandingRecord({**OFFICE_FIELDS, "contact": ["ada@northwind.example"]}, logo,
                                                "northwind.png"))
    assert sales.sync().pulled["branding"] == 0
    assert load_branding(user_db_path=sales.path).contact == ("ada@northwind.example",)

    new_logo = _png((30, 30, 200))
    _save_office_branding({**OFFICE_FIELDS, "tax_id": "DE999999999"}, new_logo)
    assert _cli(capsys, "team", "publish-branding", "--server", url)[0] == 0
    [(_, _, second_at)] = _server_branding(url)  # one letterhead: the new publication replaced the old
    assert second_at > first_at
    assert sales.sync().pulled["branding"] == 1
    printed = load_branding(user_db_path=sales.path)
    assert printed.tax_id == "DE999999999" and printed.contact == tuple(OFFICE_FIELDS["contact"])
    assert Path(printed.logo).read_bytes() == new_logo

    # the --json counts of `configurator sync` carry it (the office's own installation, registered now)
    assert _cli(capsys, "team", "register", "--server", url, "--name", "Office")[0] == 0
    rc, out, err = _cli(capsys, "sync", "--json")
    assert rc == 0, err
    assert json.loads(out)["pulled"]["branding"] == 1
    rc, out, err = _cli(capsys, "sync")
    assert rc == 0 and "0 letterheads" in out, out


def test_every_role_reads_the_letterhead_and_only_the_office_writes_it(team_db, make_laptop):
    from configurator.team.admin import publish_branding

    _, name, url = team_db
    sales, visitor = make_laptop("sales"), make_laptop("visitor")
    register(sales, url, "Sales")
    register(visitor, url, "Visitor Inc", edition="customer")
    publish_branding(url, BrandingRecord(OFFICE_FIELDS, _png((1, 2, 3)), "n.png"))
    for laptop in (visitor, sales):
        with _as(laptop, url) as conn:
            company, logo = conn.execute("select fields->>'company', logo from branding").fetchone()
            assert company == "Northwind Compute GmbH" and bytes(logo) == _png((1, 2, 3))
            for sql in ("update branding set fields = '{\"company\": \"Forged\"}'", "delete from branding",
                        "insert into branding (id, fields) values (1, '{}') on conflict (id) do update set "
                        "fields = excluded.fields"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
    # a member of the office group may publish
    with psycopg.connect(url) as conn:
        conn.execute(f'create role "{name}_brand_office" login password \'pw\' in role '
                     f'"{schema.group_role(name, "office")}"')
    params = psycopg.conninfo.conninfo_to_dict(url)
    params.update(user=f"{name}_brand_office", password="pw")
    with psycopg.connect(**params) as conn:
        conn.execute("update branding set fields = jsonb_set(fields, '{tax_id}', '\"DE1\"')")
    assert _server_branding(url)[0][0]["tax_id"] == "DE1"


def test_publish_branding_refuses_none_or_placeholders_with_one_line(office_url, capsys):
    from configurator.export.branding import sample_branding, to_record_data

    url = office_url
    rc, out, err = _cli(capsys, "team", "publish-branding", "--server", url)  # nothing saved yet
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "no branding saved" in err, err
    # the shipped sample saved as is, without a logo: every placeholder named
    _save_office_branding(to_record_data(sample_branding()), None)
    rc, out, err = _cli(capsys, "team", "publish-branding", "--server", url)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    for words in ("company name", "address", "tax id", "logo", "contact details"):
        assert words in err
    assert "nothing was published" in err
    # only the tax id left to fill in: that is what the line names
    _save_office_branding({**OFFICE_FIELDS, "tax_id": ""}, _png((9, 9, 9)))
    rc, out, err = _cli(capsys, "team", "publish-branding", "--server", url)
    assert rc == 2 and "(tax id)" in err and "company name" not in err, err
    assert _server_branding(url) == []
    # complete branding, but the server cannot be reached: one line, nothing changed here
    _save_office_branding(OFFICE_FIELDS, _png((9, 9, 9)))
    before = _dump(_userdb_path())
    rc, out, err = _cli(capsys, "team", "publish-branding", "--server", DEAD)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "cannot reach the team server" in err, err
    assert _dump(_userdb_path()) == before and _server_branding(url) == []


def test_a_server_at_m002_syncs_without_branding_and_upgrades_to_m003(pg_server, make_laptop, monkeypatch):
    from configurator.team.admin import publish_branding

    url = pg_server.create_database("brandupgrade")
    laptop = make_laptop("sales")
    BrandingStore(laptop.db).save(BrandingRecord({"company": "The laptop's own"}))
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])  # the schema the previous release created
        assert init_server(url) == (["m001_team", "m002_office_views"], "m002_office_views")
        register(laptop, url, "Sales")
        laptop.issue(n=1)
        result = laptop.sync()  # a newer laptop against the older server: the rest syncs, no letterhead yet
        assert result.pushed["quotes"] == 1 and result.pulled["branding"] == 0
    assert init_server(url) == (["m003_branding"], "m003_branding")
    assert init_server(url) == ([], "m003_branding")
    assert laptop.sync().pulled["branding"] == 0  # upgraded, nothing published yet: the laptop's own stays
    assert BrandingStore(laptop.db).get().data["company"] == "The laptop's own"
    publish_branding(url, BrandingRecord(OFFICE_FIELDS, None, ""))
    assert laptop.sync().pulled["branding"] == 1
    assert BrandingStore(laptop.db).get().data["company"] == "Northwind Compute GmbH"
    with psycopg.connect(url) as conn:
        assert [r[0] for r in conn.execute("select name from team_migrations order by applied_at, name")] == \
            ["m001_team", "m002_office_views", "m003_branding"]
