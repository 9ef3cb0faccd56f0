"""Catalog look-ups that turn a constraint into a fix (the host boards an HGX chassis ships with, an actively cooled
card instead of a passive one, a card's fit facts). Placement and the rules both ask these, so a refused drop and a
finding offer the same part."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from configurator.core import parts
from configurator.core.configuration import constraints as c
from configurator.core.errors import UnknownPartError

if TYPE_CHECKING:
    from configurator.core.configuration.model import Build


def host_platforms(build: "Build", chassis: parts.Chassis) -> list[parts.Platform]:
    """The platforms an HGX chassis ships with (those the catalog has)."""
    out = []
    for pid in c.host_boards(chassis):
        try:
            out.append(build.catalog.platform(pid))
        except UnknownPartError:
            continue
    return out


def cooled_alternative(build: "Build", gpu: parts.Gpu) -> parts.Gpu | None:
    """An actively cooled PCIe card of the same vendor and memory for a passive one (blower first), else None."""
    listing = getattr(build.catalog, "gpus", None)
    if listing is None:
        return None
    found = [g for g in listing(sellable_only=True) if g.is_pcie and not c.passive(g) and g.vendor == gpu.vendor
             and g.memory_gb == gpu.memory_gb]
    found.sort(key=lambda g: (not g.cooling.lower().startswith("blower"), g.id))
    return found[0] if found else None


def gpu_fit(build: "Build", gpu: parts.Gpu) -> parts.GpuFit | None:
    getter = getattr(build.catalog, "gpu_fit", None)
    return getter(gpu.id) if getter is not None and gpu.is_pcie else None


def nvlink_connectors(build: "Build") -> dict[str, int]:
    """GPU id -> NVLink bridge connectors per card, for the build's PCIe cards the catalog knows."""
    out = {}
    for p in build.gpus:
        fit = gpu_fit(build, p.gpu)
        if fit is not None:
            out[p.gpu.id] = fit.nvlink_connectors
    return out


def drive_alternative(build: "Build", drives: list[parts.Storage]) -> parts.Storage | None:
    """For drives that do not fit their bays: the same capacity and interface in a form with room left (e.g. the
    U.2 model of an E3.S drive), else None. ``drives``: one entry per drive."""
    listing = getattr(build.catalog, "list", None)
    if listing is None or not drives:
        return None
    room = c.bay_room(build.chassis, build.platform)
    used: dict[str, int] = {}
    for d in drives:
        used[d.bay] = used.get(d.bay, 0) + 1
    over = next((b for b, n in used.items() if b in room and n > room[b]), None)
    if over is None:
        return None
    extra = used[over] - room[over]
    sample = next(d for d in drives if d.bay == over)
    found = [d for d in listing("storage") if d.bay != over and d.bay in room
             and room[d.bay] - used.get(d.bay, 0) >= extra and d.capacity_tb == sample.capacity_tb
             and d.interface == sample.interface]
    # the same product in the other form first (the longest shared start of the name: "Samsung PM1743 7.68 TB")
    return min(found, key=lambda d: (-len(os.path.commonprefix([d.name, sample.name])), d.id)) if found else None
