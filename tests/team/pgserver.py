"""A private PostgreSQL server for the team tests and the team benchmark: initdb in a temporary folder,
``pg_ctl start`` on a free loopback port with its unix socket in that folder, stopped at the end.

Run as root (CI containers), PostgreSQL refuses to start: the server then runs as the ``postgres`` OS user
(runuser), and its folder is handed to that user. fsync is off (an operating-system crash is not what the tests
make); synchronous_commit stays on, so a killed server keeps every commit it acknowledged, as a production one does. Password (SCRAM) authentication on loopback, trust on the
private unix socket; the superuser's password is random per server.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder holding initdb/pg_ctl of PostgreSQL 15 or later, or None."""
    candidates = []
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
        if out:
            candidates.append(Path(out))
    except (OSError, subprocess.SubprocessError):
        pass

    def major(path: str) -> int:
        try:
            return int(Path(path).parent.name)
        except ValueError:
            return 0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)]
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists() and (c / "postgres").exists():
            try:
                text = subprocess.run([str(c / "postgres"), "--version"], capture_output=True, text=True,
                                      timeout=10).stdout
                if int(text.split()[-1].split(".")[0]) >= 15:
                    return c
            except (OSError, subprocess.SubprocessError, ValueError, IndexError):
                continue
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bindir: Path, base: Path | None = None):
        self.bindir = bindir
        self.base = Path(base or tempfile.mkdtemp(prefix="team-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "sock"
        self.port = free_port()
        self.password = secrets.token_hex(12)
        self.as_root = os.geteuid() == 0

    # -- running the server's tools as its owner --------------------------------------------------------------
    def _cmd(self, args: list[str]) -> list[str]:
        return (["runuser", "-u", "postgres", "--"] + args) if self.as_root else args

    def _run(self, args: list[str], timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(self._cmd(args), capture_output=True, text=True, timeout=timeout, check=check,
                              cwd=str(self.base))

    def init(self) -> "PgServer":
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        pwfile = self.base / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        os.chmod(self.base, 0o755)
        self._run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--pwfile", str(pwfile),
                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
                   "--locale=C"], timeout=120)
        pwfile.unlink()
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") if not self.as_root else \
                _as_owner(self.data / "postgresql.conf") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.socket_dir}'\nfsync = off\n"
                       f"full_page_writes = off\nmax_connections = 60\nshared_buffers = 32MB\n")
        return self

    def start(self) -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"), "-w", "-t", "60",
                   "start"], timeout=90)

    def stop(self, mode: str = "fast") -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], timeout=60,
                  check=False)

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash, a power cut of the server) and wait until its backends are gone."""
        pid = self.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # the backends notice their postmaster died and exit; a new postmaster starts once none is left
            alive = subprocess.run(["pgrep", "-f", f"postgres: .*"], capture_output=True, text=True).stdout.split()
            children = [p for p in alive if _parent(int(p)) == pid]
            if not children and not _exists(pid):
                break
            time.sleep(0.05)
        # a killed postmaster whose parent never reaps it stays a zombie, which PostgreSQL takes for a live
        # server holding the lock file: it is dead, so its lock file goes
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        for lock in self.socket_dir.glob(".s.PGSQL.*"):
            lock.unlink(missing_ok=True)

    def restart_after_crash(self) -> None:
        self.kill()
        self.start()

    def url(self, dbname: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        pw = self.password if password is None and user == "postgres" else password
        auth = f"{user}:{pw}@" if pw else f"{user}@"
        return f"postgresql://{auth}127.0.0.1:{self.port}/{dbname}?connect_timeout=5"

    def psql_args(self, dbname: str = "postgres") -> list[str]:
        return ["-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres", "-d", dbname]

    def sql(self, statement: str, dbname: str = "postgres") -> str:
        return self._run([str(self.bindir / "psql"), *self.psql_args(dbname), "-v", "ON_ERROR_STOP=1", "-At", "-c",
                          statement]).stdout

    def create_database(self, name: str) -> str:
        self.sql(f'create database "{name}"')
        return self.url(name)


    def backup(self, dbname: str) -> Path:
        """pg_dump -Fc of one database, into the server's folder."""
        target = self.base / f"{dbname}-{secrets.token_hex(3)}.dump"
        self._run([str(self.bindir / "pg_dump"), *self.psql_args(dbname), "-Fc", "-f", str(target)])
        return target

    def restore(self, dbname: str, dump: Path) -> None:
        """Drop ``dbname`` (ending its connections) and restore it from ``dump``."""
        self.sql(f'drop database if exists "{dbname}" with (force)')
        self.sql(f'create database "{dbname}"')
        self._run([str(self.bindir / "pg_restore"), *self.psql_args(dbname), "--exit-on-error", str(dump)])

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


class _as_owner:
    """Append to a file of the server's folder (root writes it and hands it back to postgres)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.f = open(self.path, "a", encoding="utf-8")
        return self.f

    def __exit__(self, *exc):
        self.f.close()
        shutil.chown(self.path, "postgres", "postgres")


def _parent(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (our child reaped by nobody) counts as gone
    try:
        return "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
