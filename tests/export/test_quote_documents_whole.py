"""A quote number is used if and only if its documents exist whole (export/issue.py).

Real failures, not mocks: a full disk is a real small tmpfs (mounted for the test where the machine
allows it, else the test is skipped and the injected case below still runs), a crash is a real SIGKILL
of a real `configurator quote` process, concurrency is real parallel processes on one user database.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.export.conftest import EXAMPLES, pdf_pages

BUILD = str(EXAMPLES / "ws-2x-rtxpro6000-maxq.json")
LABEL = re.compile(r"Q-[2-9A-HJ-NP-Z]{2,12}-\d{5}-[A-Z]")


@pytest.fixture
def env(catalog_path):
    return {**os.environ, "CONFIGURATOR_CATALOG": str(catalog_path), "QT_QPA_PLATFORM": "offscreen"}


def cli(env, *args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "configurator", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, **kw)


def user_db(env) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "ai-configurator" / "user.sqlite"


def issued_labels(env) -> list[str]:
    con = sqlite3.connect(user_db(env))
    try:
        rows = con.execute("select prefix, sequence, revision from quotes where status = 'issued'").fetchall()
    finally:
        con.close()
    return [f"Q-{p}-{s:05d}-{r}" for p, s, r in rows]


@pytest.fixture
def small_fs(tmp_path):
    """A real 96 KiB file system (tmpfs): a quote PDF (about 170 KB) does not fit."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k,mode=0777", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root); the injected write failure test still runs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path) -> None:
    """Take every free byte of the file system holding ``folder``."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


@pytest.mark.parametrize("which", ["pdf", "bom", "build-sheet"])
def test_a_document_on_a_full_disk_uses_no_number_and_leaves_no_file(tmp_path, env, small_fs, which):
    out = tmp_path / "out"
    out.mkdir()
    args = ["quote", BUILD, "-o", str(out / "q.pdf"), "--bom", str(out / "q.csv"), "--build-sheet",
            str(out / "s.pdf")]
    if which == "pdf":
        args[3] = str(small_fs / "q.pdf")
    else:
        fill(small_fs)
        args[args.index(str(out / ("q.csv" if which == "bom" else "s.pdf")))] = str(small_fs / "x")
    done = cli(env, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    err = done.stderr.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in done.stderr and ("full" in err[0] or "whole" in err[0])
    assert sorted(p.name for p in out.iterdir()) == [] and sorted(p.name for p in small_fs.iterdir()) in (
        [], ["filler"])  # no document, no temporary file
    assert issued_labels(env) == []  # the number was not used
    again = cli(env, "quote", BUILD, "-o", str(out / "q.pdf"))
    assert again.returncode == 0 and again.stdout.split(":")[0].endswith("-00001-A")


def test_an_injected_write_failure_uses_no_number(tmp_path, env):
    """Where no tmpfs can be mounted: the same failure from the kernel through a file-size limit."""
    import resource

    def limit():  # writes past 120 KB fail with EFBIG: the PDF (about 170 KB) cannot be written whole
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (120_000, 120_000))

    cli(env, "approver", "keys")  # the user database exists before the limit (it stays below it)
    out = tmp_path / "out"
    out.mkdir()
    done = cli(env, "quote", BUILD, "-o", str(out / "q.pdf"), preexec_fn=limit)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert list(out.iterdir()) == [] and issued_labels(env) == []


def test_a_kill_right_after_the_pdf_appears_never_reuses_its_number(tmp_path, env):
    """Killed (SIGKILL) the moment the PDF takes its final name: that number is used, the next quote
    gets another one. Before, the PDF appeared inside the open transaction and its number was reused."""
    seen: dict[str, Path] = {}
    for attempt in range(3):
        out = tmp_path / f"try{attempt}"
        out.mkdir()
        target = out / "q.pdf"
        proc = subprocess.Popen([sys.executable, "-m", "configurator", "quote", BUILD, "-o", str(target)], env=env,
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if target.exists():
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait()
        if target.exists():
            label = LABEL.search(" ".join(pdf_pages(target))).group(0)
            assert label not in seen, f"{label} printed on two documents"
            seen[label] = target
    assert seen, "the PDF never appeared"
    issued = set(issued_labels(env))
    assert set(seen) <= issued  # every PDF that exists carries a used number
    last = cli(env, "quote", BUILD, "-o", str(tmp_path / "last.pdf"))
    assert last.returncode == 0 and last.stdout.split(":")[0] not in seen


def test_a_crash_between_commit_and_rename_is_finished_at_the_next_quote(tmp_path, catalog, example, branding,
                                                                         monkeypatch):
    """The journal: complete, fsynced temporary files are renamed into place by the next run."""
    from configurator.core.buildfile import dumps
    from configurator.core.quotes import Customer
    from configurator.export.issue import issue_and_export
    from configurator.store.quotes import QuoteStore
    from configurator.store.userdb import UserDatabase

    build, analysis = example("ws-2x-rtxpro6000-maxq")
    db = UserDatabase(tmp_path / "user.sqlite")
    store = QuoteStore(db.db)

    finish = store.finish_documents

    def die(ids):  # the process dies right after the commit (the recovery at the start runs as usual)
        if ids is not None:
            raise KeyboardInterrupt
        return finish(ids)

    monkeypatch.setattr(store, "finish_documents", die)
    create = dict(customer=Customer("Jane"), build_json=dumps(build), build_name=build.name)
    with pytest.raises(KeyboardInterrupt):
        issue_and_export(store, None, build, analysis, branding, "customer", tmp_path / "q.pdf", bom=tmp_path / "b.csv",
                         create=create)
    assert not (tmp_path / "q.pdf").exists() and len(list(tmp_path.glob(".q.pdf.*.partial"))) == 1
    db.close()
    db = UserDatabase(tmp_path / "user.sqlite")
    assert QuoteStore(db.db).recover_documents() == []
    db.close()
    assert (tmp_path / "q.pdf").exists() and (tmp_path / "b.csv").exists()
    assert not list(tmp_path.glob("*.partial")) and LABEL.search(" ".join(pdf_pages(tmp_path / "q.pdf")))


def test_parallel_quotes_queue_for_distinct_numbers(tmp_path, env):
    n = 6
    procs = [subprocess.Popen([sys.executable, "-m", "configurator", "quote", BUILD, "-o", str(tmp_path / f"{i}.pdf")],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(n)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert all(rc == 0 for _, _, rc in results), [err for _, err, rc in results if rc]
    labels = sorted(out.split(":")[0] for out, _, _ in results)
    assert [int(l.split("-")[2]) for l in labels] == list(range(1, n + 1))
    assert all((tmp_path / f"{i}.pdf").stat().st_size > 10_000 for i in range(n))
