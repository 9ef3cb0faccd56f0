"""The approval flow on the command line, exactly as issue 12 specifies it:

    configurator approver new-key FILE / approver trust PUBLIC_KEY
    configurator approve --key FILE --quote NUMBER --discount PCT --total AMOUNT [--expires YYYY-MM-DD]
    configurator quote BUILD.json -o OUT.pdf --discount PCT --revise NUMBER-R --approval-code TOKEN
"""

from __future__ import annotations

import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from configurator.cli import run
from tests.export.conftest import EXAMPLES, pdf_pages

BUILD = str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")


@pytest.fixture(autouse=True)
def _catalog(monkeypatch, catalog_path):
    monkeypatch.setenv("CONFIGURATOR_CATALOG", str(catalog_path))


def call(capsys, *args) -> tuple[int, str, str]:
    try:
        code = run(list(args))
    except SystemExit as exc:  # argparse: an unknown option
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def approver(tmp_path, capsys):
    """A trusted approver key file."""
    key = tmp_path / "manager.pem"
    code, out, _ = call(capsys, "approver", "new-key", str(key))
    assert code == 0
    code, _, err = call(capsys, "approver", "trust", out.strip())
    assert code == 0, err
    return key


def pending_quote(tmp_path, capsys, discount="25", name="a.pdf") -> tuple[str, str]:
    code, out, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / name), "--discount", discount)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.endswith("(discount pending approval)")
    return first.split(":")[0], first.split(", total ")[1].split(" (")[0]  # label, "USD 22,173.75"


def test_new_key_writes_a_private_file_and_prints_the_public_key(tmp_path, capsys):
    key = tmp_path / "k.pem"
    code, out, _ = call(capsys, "approver", "new-key", str(key))
    assert code == 0 and len(out.strip()) == 64 and len(out.strip().splitlines()) == 1
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and b"PRIVATE KEY" in key.read_bytes()
    before = key.read_bytes()
    code, _, err = call(capsys, "approver", "new-key", str(key))
    assert code == 2 and "never overwritten" in err and key.read_bytes() == before


def test_pending_then_signed_then_approved(tmp_path, capsys, approver):
    label, total = pending_quote(tmp_path, capsys)
    assert "pending approval" in " ".join(pdf_pages(tmp_path / "a.pdf")).lower()
    code, out, err = call(capsys, "approve", "--key", str(approver), "--quote", label[:-2], "--discount", "25",
                          "--total", total)
    assert code == 0, err
    token = out.strip()
    code, out, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "b.pdf"), "--discount", "25", "--revise",
                          label, "--approval-code", token)
    assert code == 0, err
    assert out.splitlines()[0] == f"{label[:-2]}-B: {tmp_path / 'b.pdf'} (2 pages), total {total}"
    assert "pending" not in " ".join(pdf_pages(tmp_path / "b.pdf")).lower()


def test_anything_else_is_refused_and_the_quote_stays_pending(tmp_path, capsys, approver):
    label, total = pending_quote(tmp_path, capsys)
    number = label[:-2]
    other_key = tmp_path / "other.pem"
    assert call(capsys, "approver", "new-key", str(other_key))[0] == 0  # never trusted
    amount = total.split()[1].replace(",", "")
    signed = {
        "made up": "anything",
        "another quote": ("--quote", number[:-1] + "9", "--discount", "25", "--total", total),
        "another discount": ("--quote", number, "--discount", "20", "--total", total),
        "another total": ("--quote", number, "--discount", "25", "--total", str(float(amount) - 1)),
        "expired": ("--quote", number, "--discount", "25", "--total", total, "--expires",
                    (date.today() - timedelta(days=1)).isoformat()),
    }
    for why, spec in signed.items():
        if isinstance(spec, tuple):
            code, out, err = call(capsys, "approve", "--key", str(approver), *spec)
            if why == "expired":
                assert code == 2 and "in the past" in err
                continue
            assert code == 0, err
            spec = out.strip()
        code, out, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "x.pdf"), "--discount", "25", "--revise",
                              label, "--approval-code", spec)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "approval code refused" in err, (why, err)
        assert not (tmp_path / "x.pdf").exists()
    code, out, _ = call(capsys, "approve", "--key", str(other_key), "--quote", number, "--discount", "25",
                        "--total", total)
    code, _, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "x.pdf"), "--discount", "25", "--revise", label,
                        "--approval-code", out.strip())
    assert code == 2 and "does not trust" in err
    # nothing was issued: the quote has its one pending revision, and a new quote takes the next number
    code, out, _ = call(capsys, "quote", BUILD, "-o", str(tmp_path / "n.pdf"))
    assert out.split(":")[0].endswith("-00002-A")


def test_a_new_quote_with_any_code_is_not_approved(tmp_path, capsys):
    code, out, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "q.pdf"), "--discount", "25",
                          "--approval-code", "anything")
    assert code == 2 and not (tmp_path / "q.pdf").exists() and "approval code refused" in err


def test_the_role_is_no_option_and_the_exchange_rate_is_approved_like_a_discount(tmp_path, capsys):
    code, _, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "q.pdf"), "--role", "manager",
                        "--discount", "100")
    assert code == 2 and not (tmp_path / "q.pdf").exists()
    code, out, _ = call(capsys, "quote", BUILD, "-o", str(tmp_path / "r.pdf"), "--rate", "0.01")
    assert code == 0 and "pending approval" in out and "exchange rate 0.01" in out


@pytest.mark.parametrize("option,value,field", [
    ("--rate", "0,92", "exchange rate"), ("--discount", "5,5", "discount"), ("--tax", "7,5", "tax"),
    ("--rate", "1e-30", "exchange rate"), ("--rate", "1_599", "exchange rate"), ("--discount", "١٠", "discount"),
])
def test_numbers_are_plain_on_the_command_line(tmp_path, capsys, option, value, field):
    code, _, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "q.pdf"), option, value)
    assert code == 2 and field in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_customer_edition_gives_no_discount_sets_no_rate_and_takes_no_approval(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CONFIGURATOR_EDITION", "customer")
    for extra, match in [(("--discount", "5"), "no discount"), (("--rate", "0.5"), "no exchange rate"),
                         (("--currency", "EUR"), "catalog currency"), (("--approval-code", "x"), "no approval")]:
        code, _, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "q.pdf"), *extra)
        assert code == 2 and match in err, err
    assert call(capsys, "approver", "new-key", str(tmp_path / "k.pem"))[0] == 0
    code, _, err = call(capsys, "approver", "trust", (tmp_path / "k.pem").name)
    assert code == 2 and "customer edition" in err
    assert call(capsys, "quote", BUILD, "-o", str(tmp_path / "q.pdf"))[0] == 0


def test_an_altered_revision_is_not_revised(tmp_path, capsys):
    from configurator.store.userdb import user_database_path

    label, _ = pending_quote(tmp_path, capsys)
    con = sqlite3.connect(user_database_path())
    con.execute("update quotes set discount_percent = '1'")
    con.commit()
    con.close()
    code, _, err = call(capsys, "quote", BUILD, "-o", str(tmp_path / "b.pdf"), "--revise", label)
    assert code == 2 and "altered" in err and not (tmp_path / "b.pdf").exists()


def test_a_manager_policy_raises_the_limit(tmp_path, capsys, approver):
    code, out, err = call(capsys, "approver", "policy", "--key", str(approver), "--role", "manager", "--limit", "30")
    assert code == 0 and "manager, discount limit 30%" in out, err
    code, out, _ = call(capsys, "quote", BUILD, "-o", str(tmp_path / "q.pdf"), "--discount", "25")
    assert code == 0 and "pending" not in out
    code, out, _ = call(capsys, "quote", BUILD, "-o", str(tmp_path / "q2.pdf"), "--discount", "31")
    assert "pending approval" in out
