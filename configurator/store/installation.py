"""Which installation this is: an id and a quote-number prefix bound to this machine and this file.

A user profile copied to another machine (or another folder, a cloned VM, a restored backup beside the
original) would otherwise hand out the same quote numbers as the original. The binding is a hash of
the machine id and of the user database's own identity (its resolved path and inode); when the stored
binding no longer matches, the copy draws a new installation id and a new prefix, so it numbers its
quotes apart from the original. The original keeps its prefix (its binding still matches).
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
import uuid
from pathlib import Path

MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def machine_id() -> str:
    """A stable id of this machine: systemd/D-Bus machine id, the Windows MachineGuid, the macOS platform
    UUID; else the network hardware address and host name (stable enough to tell two machines apart)."""
    override = os.environ.get("CONFIGURATOR_MACHINE_ID")  # tests and images that share a machine id
    if override:
        return override
    for name in MACHINE_ID_FILES:
        try:
            text = Path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    if sys.platform == "win32":
        try:
            import winreg

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography") as key:
                return str(winreg.QueryValueEx(key, "MachineGuid")[0])
        except OSError:
            pass
    if sys.platform == "darwin":
        import subprocess

        try:
            out = subprocess.run(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"], capture_output=True,
                                 text=True, timeout=5).stdout
            for line in out.splitlines():
                if "IOPlatformUUID" in line:
                    return line.split("=")[-1].strip().strip('"')
        except (OSError, subprocess.SubprocessError):
            pass
    return f"{uuid.getnode():012x}-{platform.node()}"


def binding(database: Path | None) -> str:
    """Hash of the machine id and the database file's identity (path and inode): changes on a copy."""
    h = hashlib.sha256(machine_id().encode("utf-8", "surrogatepass"))
    if database is not None:
        try:
            resolved = database.resolve()
            h.update(str(resolved).encode("utf-8", "surrogatepass"))
            h.update(str(os.stat(resolved).st_ino).encode())
        except OSError:
            h.update(str(database).encode("utf-8", "surrogatepass"))
    return h.hexdigest()
