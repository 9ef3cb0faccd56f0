"""The lane map and DIMM population of one node as a block (Qt-free): what export/lane_drawing.py draws on the
build sheet and in the window's "Lanes & memory" panel.

The figures are core/configuration/lanes.py's (``lane_map``, ``dimm_population``); the words are present/lanes.py's
and the core's own slot sentences ("GPU 3 runs at x8 (shares lanes with slot 4)"). Nothing is computed here but
the grouping a drawing needs (which rows a card's cooler spans, which channels belong to which CPU).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from configurator.export.blocks import Heading
from configurator.core.configuration.lanes import COVERED, NIC, NO_CONNECTOR, dimm_population, lane_map
from configurator.present import count
from configurator.present.lanes import (
    channel_name, channels_line, dimm_legend, dimm_short, lane_width, memory_speed_line, slot_name,
)

if TYPE_CHECKING:
    from configurator.core.configuration import Build

GROUP_TITLES = {  # (chassis kind, slot group) -> the title over those rows
    ("tower", "gpu"): "PCIe slots in board order",
    ("pcie_server", "gpu"): "GPU slots (behind the PCIe switches)",
    ("hgx", "gpu"): "GPU sockets on the board",
    ("pcie_server", "nic"): "NIC slots",
    ("hgx", "nic"): "NIC slots",
}


@dataclass(frozen=True)
class SlotRow:
    name: str  # board label: "PCIEX16(G5)_3", "GPU socket 2", "NIC slot 1"
    detail: str  # "CPU, PCIe 5.0"; "" without a connector
    state: str  # lanes.py: gpu, nic, covered, free, no_connector
    width: str  # electrical width: "x16", "x8", "none"
    electrical_lanes: int
    lanes: int  # what the part gets
    device_lanes: int  # what the part can use
    device: str  # "GPU 3", "NIC 1", ""
    part: str  # part name; "" when empty
    label: str  # the core's sentence
    narrowed: bool
    span: int  # rows this device's card covers (its own included); 1 for one-slot cards and empty rows


@dataclass(frozen=True)
class SlotGroup:
    title: str
    rows: tuple[SlotRow, ...]


@dataclass(frozen=True)
class DimmCell:
    slot: str  # "A", "B"
    text: str  # "64 GB 2R"; "" when empty
    module: int  # index into LaneDiagram.modules; -1 when empty


@dataclass(frozen=True)
class ChannelCell:
    name: str  # "Ch 1"
    cells: tuple[DimmCell, ...]


@dataclass(frozen=True)
class CpuChannels:
    title: str  # "CPU 1", or "" on a one-socket platform
    channels: tuple[ChannelCell, ...]


@dataclass(frozen=True)
class LaneDiagram:
    """The drawing's content: slot groups in physical order, M.2 sockets, and the DIMM channels per CPU."""

    groups: tuple[SlotGroup, ...]
    m2: tuple[tuple[str, str], ...]  # (socket, drive name or "")
    memory_summary: str  # "8 channels, 1 slot each (A)"
    cpus: tuple[CpuChannels, ...]
    modules: tuple[str, ...]  # legend line per module kind, in the order of DimmCell.module
    speed_line: str  # "All 8 DIMMs run at 5600 MT/s; the platform's best is ..."
    slower: bool  # the DIMMs run below the platform's best
    notes: tuple[str, ...]  # mixed ranks, DIMMs beyond the slots
    scope: str = ""  # "One node of 4 identical nodes" for a cluster

    def texts(self) -> list[str]:
        """Every string the drawing prints (PaperDocument.texts and the edition guard read this)."""
        out: list[str] = [self.scope]
        for g in self.groups:
            out.append(g.title)
            for r in g.rows:
                out += [r.name, r.detail, r.width, r.device, r.part, r.label]
        for name, drive in self.m2:
            out += [name, drive]
        out.append(self.memory_summary)
        for cpu in self.cpus:
            out.append(cpu.title)
            for ch in cpu.channels:
                out += [ch.name, *(f"{c.slot} {c.text}" for c in ch.cells)]
        out += [*self.modules, self.speed_line, *self.notes]
        return [t for t in out if t]


def _detail(link: str, gen: int) -> str:
    return f"{link}, PCIe {gen}.0" if link and gen else link


def _rows(slots) -> tuple[SlotRow, ...]:
    spans: dict[str, int] = {}
    for s in slots:
        if s.state == COVERED and s.covered_by:
            spans[s.covered_by] = spans.get(s.covered_by, 1) + 1
    out = []
    for s in slots:
        part = s.part_name or ""
        out.append(SlotRow(s.name, _detail(s.link, s.pcie_gen) if s.state != NO_CONNECTOR else "", s.state,
                           lane_width(s.electrical_lanes), s.electrical_lanes, s.lanes, s.device_lanes, s.device,
                           part, s.label, s.narrowed, spans.get(s.device, 1) if s.device else 1))
    return tuple(out)


def lane_diagram(build: "Build") -> LaneDiagram:
    """The diagram of ``build``'s node (every node of a cluster is the same)."""
    m = lane_map(build)
    groups = []
    for group in ("gpu", "nic"):
        slots = [s for s in m.slots if s.group == group]
        if slots:
            title = GROUP_TITLES.get((m.kind, group), "NIC slots" if group == NIC else "Slots")
            groups.append(SlotGroup(title, _rows(slots)))
    m2 = tuple((s.name, s.drive_name or "") for s in m.m2)

    pop = dimm_population(build)
    platform = build.platform
    sockets = max(1, platform.sockets) if platform is not None else 1
    kinds: list[tuple[str, str]] = []  # (part id, legend) in first-seen order
    counts: dict[str, int] = {}
    first: dict[str, object] = {}
    for ch in pop.channels:
        for d in ch.dimms:
            counts[d.part_id] = counts.get(d.part_id, 0) + 1
            first.setdefault(d.part_id, d)
    order = list(first)
    for pid in order:
        d = first[pid]
        kinds.append((pid, dimm_legend(d.name, d.memory_type, d.ranks, d.rated_mts, counts[pid])))
    channels = []
    for ch in pop.channels:
        cells = []
        for i in range(pop.slots_per_channel):
            d = ch.dimms[i] if i < len(ch.dimms) else None
            cells.append(DimmCell(slot_name(i), dimm_short(d.capacity_gb, d.ranks) if d else "",
                                  order.index(d.part_id) if d else -1))
        channels.append(ChannelCell(channel_name(ch.channel), tuple(cells)))
    per_cpu = len(channels) // sockets if sockets > 1 and len(channels) % sockets == 0 else len(channels)
    cpus = tuple(CpuChannels(f"CPU {i // per_cpu + 1}" if per_cpu < len(channels) else "",
                             tuple(channels[i:i + per_cpu])) for i in range(0, len(channels), max(1, per_cpu)))
    placed = sum(counts.values())
    notes = []
    if pop.mixed_ranks:
        notes.append("Modules of different ranks are mixed: every channel runs at the slowest one's speed.")
    if pop.unplaced:
        notes.append(f"{count(pop.unplaced, 'DIMM')} more than the board has slots for (not drawn).")
    summary = channels_line(len(pop.channels), pop.slots_per_channel, sockets) if pop.channels else \
        "No platform: no memory channels."
    return LaneDiagram(tuple(groups), m2, summary, cpus, tuple(k for _, k in kinds),
                       memory_speed_line(placed, pop.speed_mts, pop.rated_mts, pop.limits),
                       bool(pop.speed_mts and pop.rated_mts and pop.speed_mts < pop.rated_mts), tuple(notes),
                       f"One node of {build.nodes} identical nodes" if build.nodes > 1 else "")



def lane_blocks(build: "Build") -> list:
    """The build sheet's section: a heading and the drawing."""
    per = " (per node)" if build.nodes > 1 else ""
    return [Heading(f"PCIe lanes and memory population{per}"), lane_diagram(build)]
