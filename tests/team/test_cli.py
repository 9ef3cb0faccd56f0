"""The command line: team init/register/publish-prices/won, sync --json, orders --json, against the private
server; exit 2 with one line and nothing changed locally when the server cannot be reached or refuses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import psycopg
import pytest

from configurator.cli import run
from tests.team.conftest import EXAMPLE, ROOT

DEAD = "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2"


@pytest.fixture
def cli_env(monkeypatch, writable_catalog):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(writable_catalog))
    return writable_catalog


def _cli(capsys, *argv):
    rc = run(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _dump(path) -> list:
    """Every row of every table of a SQLite file: what 'nothing changed' compares."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table' order by name")]
        return [(t, sorted(map(repr, con.execute(f'select * from "{t}"').fetchall()))) for t in tables]
    finally:
        con.close()


def _userdb_path():
    from configurator.store.userdb import user_database_path

    return user_database_path()


def _issue_one(name="Ada"):
    from configurator.core.quotes.model import Customer
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase

    db = UserDatabase(_userdb_path())
    try:
        store = QuoteStore(db.db)
        q = store.create(Customer(name), EXAMPLE.read_text(), build_name="the build")
        return store.issue(q, {"currency": "USD", "lines": [], "subtotal": "10.00", "discount": "0", "tax": "0",
                               "total": "10.00"})
    finally:
        db.close()


def test_the_whole_flow_on_the_command_line(pg_server, cli_env, capsys, tmp_path):
    url = pg_server.create_database("cliflow")
    rc, out, err = _cli(capsys, "team", "init", "--server", url)
    assert rc == 0 and "applied m001_team" in out
    assert _cli(capsys, "team", "init", "--server", url)[1].strip().endswith("(already up to date)")
    rc, out, err = _cli(capsys, "team", "register", "--server", url, "--name", "Ada's laptop")
    assert rc == 0, err
    prefix = out.splitlines()[0]
    with psycopg.connect(url) as conn:
        assert conn.execute("select prefix from installations").fetchone()[0] == prefix
    quote = _issue_one()
    assert quote.prefix == prefix
    rc, out, err = _cli(capsys, "sync", "--json")  # the server is remembered
    assert rc == 0, err
    counts = json.loads(out)
    assert counts["pushed"]["quotes"] == 1 and counts["pushed"]["customers"] == 1
    assert set(counts["pulled"]) >= {"customers", "price_rows", "price_lists", "approver_keys", "models"}
    con = sqlite3.connect(cli_env)
    part, currency = con.execute("select id, currency from prices order by id limit 1").fetchone()
    con.close()
    csv = tmp_path / "prices.csv"
    csv.write_text(f"id,list_price\n{part},777.70\n")
    rc, out, err = _cli(capsys, "team", "publish-prices", str(csv), "--server", url)
    assert rc == 0 and "published price list 1 (1 row)" in out, err
    rc, out, err = _cli(capsys, "sync", "--json")
    assert json.loads(out)["pulled"]["price_rows"] == 1
    con = sqlite3.connect(cli_env)
    assert con.execute("select list_price from prices where id = ?", [part]).fetchone()[0] == "777.70"
    con.close()
    assert _cli(capsys, "team", "won", quote.label)[0] == 0
    rc, out, err = _cli(capsys, "sync")
    assert rc == 0 and "1 order" in out
    rc, out, err = _cli(capsys, "orders", "--json")
    assert rc == 0, err
    orders = json.loads(out)
    assert [o["quote"] for o in orders] == [quote.label] and orders[0]["customer"]["name"] == "Ada"
    assert orders[0]["build"]["schema"] == json.loads(EXAMPLE.read_text())["schema"]
    rc, out, err = _cli(capsys, "orders")
    assert rc == 0 and out.startswith("1 order") and quote.label in out
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    rc, out, err = _cli(capsys, "orders", "--build-sheets", str(sheets))
    assert rc == 0, err
    pdf = sheets / f"{quote.label}-build-sheet.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    assert "H200" in PdfReader(pdf).pages[0].extract_text()


def test_publish_prices_is_all_rows_or_none(pg_server, cli_env, capsys, tmp_path):
    url = pg_server.create_database("clipub")
    _cli(capsys, "team", "init", "--server", url)
    con = sqlite3.connect(cli_env)
    part = con.execute("select id from prices order by id limit 1").fetchone()[0]
    con.close()
    csv = tmp_path / "prices.csv"
    csv.write_text(f"id,list_price\n{part},100\nno-such-part,5\n")
    rc, out, err = _cli(capsys, "team", "publish-prices", str(csv), "--server", url)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "line 3" in err and "nothing imported" in err
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from price_lists").fetchone()[0] == 0
        assert conn.execute("select count(*) from price_list_rows").fetchone()[0] == 0


def test_unreachable_or_refusing_server_exit_2_one_line_nothing_changed(pg_server, cli_env, capsys, tmp_path):
    url = pg_server.create_database("clidead")
    _cli(capsys, "team", "init", "--server", url)
    _issue_one()  # a user database with a quote and a customer in it, not registered yet
    before = _dump(_userdb_path())
    csv = tmp_path / "p.csv"
    csv.write_text("id,list_price\n")
    wrong_password = url.replace(pg_server.password, "wrong")
    for argv in (["team", "init", "--server", DEAD], ["team", "register", "--server", DEAD, "--name", "x"],
                 ["team", "register", "--server", wrong_password, "--name", "x"],
                 ["orders", "--server", DEAD], ["sync"]):
        rc, out, err = _cli(capsys, *argv)
        assert rc == 2, argv
        assert len(err.strip().splitlines()) == 1 and err.startswith(f"configurator {argv[0]}: error:"), err
        assert _dump(_userdb_path()) == before, argv
        if argv[3:4] == [wrong_password]:
            assert "refused the connection (" in err and "password authentication failed" in err
            assert "wrong" not in err  # never the password
    # registered, then the server is gone (another address given) or refuses (the role was dropped)
    assert _cli(capsys, "team", "register", "--server", url, "--name", "x")[0] == 0
    before = _dump(_userdb_path())
    for argv in (["sync", "--server", DEAD], ["sync", "--json", "--server", DEAD], ["orders", "--server", DEAD]):
        rc, out, err = _cli(capsys, *argv)
        assert rc == 2 and len(err.strip().splitlines()) == 1 and "cannot reach the team server" in err, err
        assert out == ""
        assert _dump(_userdb_path()) == before
    with psycopg.connect(url) as conn:
        role = conn.execute("select role_name from installations").fetchone()[0]
        conn.execute(f'alter role "{role}" nologin')
    rc, out, err = _cli(capsys, "sync")
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "not permitted to log in" in err
    assert _dump(_userdb_path()) == before


def test_libpq_settings_pass_through_tls_required_by_the_url(pg_server, cli_env, capsys):
    """sslmode in the URL reaches libpq: this test server speaks no TLS, so sslmode=require is refused."""
    url = pg_server.create_database("clitls")
    rc, out, err = _cli(capsys, "team", "init", "--server", url + "&sslmode=require")
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "SSL" in err
    rc, out, err = _cli(capsys, "team", "init", "--server", url + "&sslmode=prefer")
    assert rc == 0, err


def test_a_real_process_exits_2_with_one_line(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c"), "PATH": "/usr/bin:/bin",
           "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "configurator", "team", "init", "--server", DEAD],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "cannot reach the team server 127.0.0.1:1/nowhere" in \
        proc.stderr and "Traceback" not in proc.stderr
