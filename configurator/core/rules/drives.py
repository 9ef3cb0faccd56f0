"""Drives against where they go: M.2 drives in the board's M.2 sockets, U.2/U.3 in the chassis' 2.5-inch NVMe
bays, E3.S in E3.S bays (DRIVE_BAYS, error; a physical constraint placement refuses with the same sentence)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration import constraints as c
from configurator.core.configuration import fixes
from configurator.core.rules.findings import Finding, error

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def drive_bays(build: "Build") -> Iterator[Finding]:
    if not build.storage:
        return
    drives = [i.part for i in build.storage for _ in range(i.quantity)]
    p = c.drive_bays(build.chassis, build.platform, drives, fixes.drive_alternative(build, drives))
    if p is not None:
        yield error(p.code, p.text, *p.parts)


RULES = [drive_bays]
