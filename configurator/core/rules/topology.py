"""NVLink bridge topology and the PCIe lanes each slot really gets.

- NVLINK_NONE (error, reported with NVLINK_MISMATCH by ``physical.nvlink``): a bridge on cards without NVLink.
- NVLINK_BRIDGES_PER_CARD (error): bridge lines of one GPU model that together need more card attachments than
  there are cards (each card takes one bridge set).
- NVLINK_SPACING (error): the cards one bridge set joins are not neighbours at the bridge's fixed spacing.
- NVLINK_PARTIAL (warning): some cards of a bridged model have no bridge, or they are bridged in different
  group sizes: tensor parallelism over them runs at the slowest link.
- PCIE_LINK (warning): a GPU or network card gets fewer lanes than it uses (an x8 slot, or lanes shared with
  another slot or an M.2 socket), from the lane map (``configuration.lanes``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration import constraints as c
from configurator.core.configuration import fixes
from configurator.core.configuration.lanes import FREE, lane_map
from configurator.core.rules.findings import Finding, error, warning
from configurator.present import count

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def _errors(*problems: c.Problem | None) -> Iterator[Finding]:
    for p in problems:
        if p is not None:
            yield error(p.code, p.text, *p.parts)


def nvlink_topology(build: "Build") -> Iterator[Finding]:
    if not build.bridges:
        return
    cards = [p.gpu for p in build.gpus]
    lines = [(i.part, i.quantity) for i in build.bridges]
    if any(c.bridge_no_nvlink(b, cards) for b, _ in lines):
        return  # NVLINK_NONE (rules/physical.py): the topology of a bridge that fits no card is moot
    yield from _errors(c.bridge_sets(lines, cards, fixes.nvlink_connectors(build)))
    if build.on_board:
        return
    groups = c.bridge_groups(lines, [(p.gpu, p.slot) for p in build.gpus])
    yield from _errors(*(c.bridge_spacing(b, g, slots) for b, g, slots in groups))
    counts = build.gpu_counts()
    for gpu_id in {g.id for _, g, _ in groups}:
        mine = [(b, slots) for b, g, slots in groups if g.id == gpu_id]
        joined = sum(len(slots) for _, slots in mine)
        ways = sorted({len(slots) for _, slots in mine})  # cards per set
        name = next(g.name for _, g, _ in groups if g.id == gpu_id)
        if joined < counts[gpu_id]:
            yield warning("NVLINK_PARTIAL", f"{count(joined, name + ' card')} of {counts[gpu_id]} are bridged; "
                          f"the other {counts[gpu_id] - joined} talk over PCIe, so work split over all of them runs "
                          f"at PCIe speed. Bridge every card the same way or leave the rest out.",
                          gpu_id, *(b.id for b, _ in mine))
        elif len(ways) > 1:
            yield warning("NVLINK_PARTIAL", f"The {name} cards are bridged in groups of "
                          f"{' and '.join(str(w) for w in ways)}: every card of a bridged group should be bridged the "
                          f"same way.", gpu_id, *(b.id for b, _ in mine))


def pcie_links(build: "Build") -> Iterator[Finding]:
    """Devices that get fewer lanes than they use, and where a free full-width slot would give them all."""
    m = lane_map(build)
    free_full = [s for s in m.slots if s.state == FREE and not s.shared_with and s.electrical_lanes >= 16
                 and s.group == "gpu"]
    for s in m.devices():
        if not s.narrowed:
            continue
        why = (f": {s.name} shares its lanes with {', '.join(s.shared_with)}" if s.shared_with
               else f": {s.name} is wired x{s.electrical_lanes}")
        fix = f" A free x16 slot is at position {free_full[0].position}." if free_full else ""
        yield warning("PCIE_LINK", f"{s.device} ({s.part_name}, slot {s.position}) runs at x{s.lanes} instead of "
                      f"x{s.device_lanes}{why}.{fix}", *filter(None, [s.part_id, build.platform.id
                                                                    if build.platform else None]))


RULES = [nvlink_topology, pcie_links]
