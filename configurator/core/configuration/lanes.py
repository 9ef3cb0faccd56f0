"""The lane map and the DIMM population of one node: what each slot holds and the PCIe lanes it really gets, what
each memory channel holds and the speed it runs at. Plain dataclasses, Qt-free, for the rules (PCIE_LINK,
SLOT_COVERED, MEMORY_SPEED), the build sheet and the window's drawing.

Public API (stable: export/ and ui/ draw from it)::

    lane_map(build) -> LaneMap            # per slot position: part, electrical width, sharing, lanes it gets
    dimm_population(build) -> DimmPopulation  # per channel: DIMMs, type, speed they run at

    LaneMap.slots   : tuple[SlotLane, ...]   # every slot position / GPU socket / NIC slot, in order
    LaneMap.m2      : tuple[M2Socket, ...]   # the board's M.2 sockets and the drive in each
    LaneMap.kind    : "tower" | "pcie_server" | "hgx" | ""   (the chassis kind; "" without a chassis)
    LaneMap.lines() : tuple[str, ...]        # one readable line per used slot, e.g. "GPU 3 runs at x8"
    LaneMap.gpu(n)  : SlotLane | None        # the slot of GPU n (1-based, in slot order)

    SlotLane: position (int, from 1), name (board label, "Slot 3", "GPU socket 2", "NIC slot 1"),
              group ("gpu" slot positions / board sockets, or "nic" dedicated NIC slots),
              state ("gpu" | "nic" | "covered" | "free" | "no_connector"),
              part_id / part_name (None when free), device (e.g. "GPU 3", "NIC 1", "" when none),
              covered_by (device whose cooler covers this position, else ""),
              electrical_lanes (what the slot is wired for, 0: no connector),
              lanes (what the device gets now; 0 when empty), device_lanes (what the device can use),
              link ("CPU", "chipset", "PCIe switch", "HGX board"), pcie_gen,
              shared_with (tuple of what narrows it now: "slot 4", "M.2_4"),
              label (the sentence: "GPU 3 runs at x8 (shares lanes with slot 4)", "free, x16", ...),
              narrowed (property: a device gets fewer lanes than it can use)

    M2Socket: name ("M.2_1"), drive_id / drive_name (None when empty)

    DimmPopulation.channels : tuple[ChannelFill, ...]  # channel 1..N
    DimmPopulation.slots_per_channel, dimms_per_channel (most in any channel), speed_mts (what all run at,
        None when unknown), rated_mts (the platform's best figure), limits (tuple of reasons it is lower:
        "2 DIMMs per channel", "4-rank modules", "DDR5-5600 modules"), mixed_ranks (bool), lines()
    ChannelFill: channel (from 1), dimms (tuple of DimmSlot), count (property), speed_mts
    DimmSlot: slot ("A" / "B"), part_id, name, memory_type ("DDR5 RDIMM"), ranks, capacity_gb, rated_mts

How the map is laid out:
- tower: the chassis' slot positions, with the board's slots (db/board_slots.csv, by ``Platform.board``) at their
  positions. A card covers its width; network cards go into the free board slots in order, first where they
  narrow no other slot. A slot that shares lanes (``shares_with``) runs at ``lanes_shared`` while a sharer (a
  slot holding a card, or an M.2 socket holding a drive) is used. M.2 drives fill M.2_1, M.2_2, ... in order.
  A board without slot rows gets x16 at every position (pcie_lanes_per_gpu).
- pcie_server: every GPU position is x16 behind the chassis' PCIe switches; the NIC slots are x16 from the CPU.
- hgx: the board's GPU sockets (each module x16 to the host through the HGX board's PCIe switches), then the
  chassis' PCIe slots for NICs (``slot_positions``), x16 each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from configurator.core import parts
from configurator.core.configuration import constraints as c
from configurator.present.boards import board_name

if TYPE_CHECKING:
    from configurator.core.configuration.model import Build

GPU, NIC, COVERED, FREE, NO_CONNECTOR = "gpu", "nic", "covered", "free", "no_connector"
# Lanes a part can use when its own row does not say (PCIe CEM: GPUs are x16 cards).
_GPU_LANES = 16


@dataclass(frozen=True)
class SlotLane:
    position: int
    name: str
    group: str  # "gpu": the positions/sockets GPUs go in (a tower's board slots too); "nic": dedicated NIC slots
    state: str  # GPU, NIC, COVERED, FREE, NO_CONNECTOR
    part_id: str | None
    part_name: str | None
    device: str  # "GPU 3", "NIC 1"; "" when no device starts here
    covered_by: str  # device whose cooler covers this position; ""
    electrical_lanes: int  # 0: no connector at this position
    lanes: int  # lanes the device here gets now (0: none)
    device_lanes: int  # lanes the device can use (16 for a GPU, the NIC's pcie_lanes)
    link: str
    pcie_gen: int
    shared_with: tuple[str, ...]  # what narrows this slot now
    label: str

    @property
    def narrowed(self) -> bool:
        """A device here gets fewer lanes than it can use."""
        return bool(self.device) and self.lanes < self.device_lanes


@dataclass(frozen=True)
class M2Socket:
    name: str
    drive_id: str | None
    drive_name: str | None


@dataclass(frozen=True)
class LaneMap:
    kind: str
    slots: tuple[SlotLane, ...]
    m2: tuple[M2Socket, ...]

    def gpu(self, n: int) -> SlotLane | None:
        return next((s for s in self.slots if s.device == f"GPU {n}"), None)

    def devices(self) -> tuple[SlotLane, ...]:
        return tuple(s for s in self.slots if s.device)

    def lines(self) -> tuple[str, ...]:
        return tuple(f"{s.name}: {s.label}" for s in self.slots if s.state != NO_CONNECTOR)


@dataclass(frozen=True)
class DimmSlot:
    slot: str  # "A", "B": the slot of the channel
    part_id: str
    name: str
    memory_type: str
    ranks: int
    capacity_gb: int
    rated_mts: int


@dataclass(frozen=True)
class ChannelFill:
    channel: int
    dimms: tuple[DimmSlot, ...]
    speed_mts: int | None  # what it runs at (every channel runs at the slowest one's speed)

    @property
    def count(self) -> int:
        return len(self.dimms)


@dataclass(frozen=True)
class DimmPopulation:
    channels: tuple[ChannelFill, ...]
    slots_per_channel: int
    dimms_per_channel: int  # the most DIMMs in any channel
    speed_mts: int | None  # what the memory runs at; None: no DIMM, or the catalog has no speed for the platform
    rated_mts: int | None  # the platform's best speed (1 DIMM per channel, the fewest ranks it lists)
    limits: tuple[str, ...]  # why speed_mts is below rated_mts
    mixed_ranks: bool
    unplaced: int  # DIMMs beyond the slots (DIMM_SLOTS reports them)

    @property
    def limited_by_population(self) -> bool:
        """Slower than rated because of DIMMs per channel or ranks (not only the modules' own rating)."""
        return any(not lim.endswith("modules") for lim in self.limits)

    def lines(self) -> tuple[str, ...]:
        out = []
        for ch in self.channels:
            fill = ", ".join(f"{d.slot}: {d.name}" for d in ch.dimms) or "empty"
            speed = f" at {ch.speed_mts} MT/s" if ch.speed_mts and ch.dimms else ""
            out.append(f"Channel {ch.channel}: {fill}{speed}")
        return tuple(out)


# -- the lane map ----------------------------------------------------------------------------------------
def _board_rows(build: "Build") -> list[parts.BoardSlot]:
    platform = build.platform
    if platform is None or not platform.board:
        return []
    getter = getattr(build.catalog, "board_slots", None)
    return list(getter(platform.board)) if getter else []


def _shares(row: parts.BoardSlot) -> list[str]:
    return [s.strip() for s in row.shares_with.split(",") if s.strip()]


def m2_drives(build: "Build") -> list[parts.Storage]:
    """The M.2 drives of one node, one entry per drive, in the order they fill the sockets."""
    return [i.part for i in build.storage if i.part.bay == "m2" for _ in range(i.quantity)]


def _m2(build: "Build") -> tuple[M2Socket, ...]:
    sockets = build.platform.m2_sockets if build.platform is not None else 0
    drives = m2_drives(build)
    return tuple(M2Socket(f"M.2_{i + 1}", drives[i].id if i < len(drives) else None,
                          drives[i].name if i < len(drives) else None) for i in range(sockets))


def connector_positions(build: "Build") -> set[int] | None:
    """Tower positions with a slot connector (the board's slots); None where every position has one (servers, a
    board without slot rows)."""
    chassis = build.chassis
    if chassis is None or chassis.kind != "tower":
        return None
    rows = _board_rows(build)
    return {r.slot for r in rows} if rows else None


def covered_positions(cards) -> dict[int, int]:
    """position -> start slot of the card covering it, for (gpu, slot) pairs."""
    out: dict[int, int] = {}
    for gpu, slot in cards:
        for pos in c.covered(gpu, slot):
            out.setdefault(pos, slot)
    return out


def free_board_slots(build: "Build", cards=None) -> list[int]:
    """Tower board slots no card starts in or covers (where a NIC or an add-in card can go), in order. ``cards``:
    (gpu, slot) pairs to use instead of the build's."""
    chassis = build.chassis
    if chassis is None:
        return []
    cards = [(p.gpu, p.slot) for p in build.gpus] if cards is None else list(cards)
    taken = covered_positions(cards)
    connectors = connector_positions(build)
    positions = sorted(connectors) if connectors is not None else list(c.slot_starts(chassis))
    return [pos for pos in positions if pos not in taken]


def _nic_units(build: "Build") -> list[parts.Nic]:
    return [i.part for i in build.network for _ in range(i.quantity)]


def _tower(build: "Build") -> list[SlotLane]:
    chassis = build.chassis
    rows = {r.slot: r for r in _board_rows(build)}
    gpu_lanes = int(build.param("pcie_lanes_per_gpu")) if rows == {} else _GPU_LANES
    cards = sorted(((p.gpu, p.slot) for p in build.gpus if p.slot is not None), key=lambda t: t[1])
    gpu_no = {slot: n for n, (_, slot) in enumerate(cards, start=1)}
    by_start = {slot: gpu for gpu, slot in cards}
    covering = covered_positions(cards)
    m2_used = {s.name for s in _m2(build) if s.drive_id}
    free = free_board_slots(build, cards)

    def narrows_other(pos: int) -> bool:
        # a NIC here would narrow a slot that holds a card
        return any(str(pos) in _shares(r) for s, r in rows.items() if s in by_start)

    nic_at: dict[int, parts.Nic] = {}
    for nic, pos in zip(_nic_units(build), sorted(free, key=lambda p: (narrows_other(p), p))):
        nic_at[pos] = nic
    used = set(by_start) | set(nic_at)
    nic_no = {pos: n for n, pos in enumerate(sorted(nic_at), start=1)}
    out = []
    for pos in c.slot_starts(chassis):
        row = rows.get(pos)
        if rows and row is None:
            wired, link, gen, name, sharers, narrow = 0, "", 0, f"Position {pos}", [], None
        elif row is None:
            wired, link, gen, name, sharers, narrow = gpu_lanes, "CPU", build.platform.pcie_gen if build.platform \
                else 0, f"Slot {pos}", [], None
        else:
            wired, link, gen, name, sharers, narrow = row.lanes, row.link, row.pcie_gen, row.name, _shares(row), \
                row.lanes_shared
        active = tuple(f"slot {s}" if s.isdigit() else s for s in sharers
                       if (s.isdigit() and int(s) in used) or s in m2_used)
        width = narrow if active and narrow is not None else wired
        if pos in by_start:
            gpu = by_start[pos]
            device, get = f"GPU {gpu_no[pos]}", min(width, _GPU_LANES)
            state, pid, pname, want = GPU, gpu.id, gpu.name, _GPU_LANES
        elif pos in nic_at:
            nic = nic_at[pos]
            device, get = f"NIC {nic_no[pos]}", min(width, nic.pcie_lanes)
            state, pid, pname, want = NIC, nic.id, nic.name, nic.pcie_lanes
        else:
            device, get, pid, pname, want = "", 0, None, None, 0
            state = COVERED if pos in covering else (NO_CONNECTOR if wired == 0 else FREE)
        cover = f"GPU {gpu_no[covering[pos]]}" if state == COVERED else ""
        label = _label(state, device, get, want, wired, active, cover)
        out.append(SlotLane(pos, name, GPU, state, pid, pname, device, cover, wired, get, want, link, gen, active,
                            label))
    return out


def _label(state: str, device: str, get: int, want: int, wired: int, active: tuple[str, ...], cover: str) -> str:
    if state in (GPU, NIC):
        why = f" (shares lanes with {', '.join(active)})" if active and get < wired or (active and get < want) else ""
        return f"{device} runs at x{get}{why}"
    if state == COVERED:
        return f"covered by the cooler of {cover}"
    if state == NO_CONNECTOR:
        return "no slot connector (bracket position only)"
    return f"free, x{wired}" + (f" (x{wired} now: shares lanes with {', '.join(active)})" if active else "")


def _server(build: "Build") -> list[SlotLane]:
    chassis = build.chassis
    lanes = int(build.param("pcie_lanes_per_gpu"))
    gen = build.platform.pcie_gen if build.platform else 5
    out: list[SlotLane] = []
    if chassis.kind == "hgx":
        board = board_name(build.gpus[0].gpu.vendor if build.gpus else "")  # HGX (NVIDIA) or OAM (AMD) board
        sockets = {p.slot: p.gpu for p in build.gpus if p.slot is not None}
        unslotted = [p.gpu for p in build.gpus if p.slot is None]
        for s in c.board_sockets(chassis):
            gpu = sockets.get(s) or (unslotted.pop(0) if unslotted else None)
            if gpu is not None:
                out.append(SlotLane(s, f"GPU socket {s}", GPU, GPU, gpu.id, gpu.name, f"GPU {s}", "", lanes, lanes,
                                    lanes, board, gen, (), f"GPU {s} runs at x{lanes} ({board} PCIe switch)"))
            else:
                out.append(SlotLane(s, f"GPU socket {s}", GPU, FREE, None, None, "", "", lanes, 0, 0, board,
                                    gen, (), "empty socket"))
        nic_slots = chassis.slot_positions
    else:
        cards = sorted(((p.gpu, p.slot) for p in build.gpus if p.slot is not None), key=lambda t: t[1])
        gpu_no = {slot: n for n, (_, slot) in enumerate(cards, start=1)}
        by_start = {slot: gpu for gpu, slot in cards}
        covering = covered_positions(cards)
        for pos in c.slot_starts(chassis):
            if pos in by_start:
                gpu = by_start[pos]
                dev = f"GPU {gpu_no[pos]}"
                out.append(SlotLane(pos, f"Slot {pos}", GPU, GPU, gpu.id, gpu.name, dev, "", lanes, lanes, lanes,
                                    "PCIe switch", gen, (), f"{dev} runs at x{lanes} (PCIe switch)"))
            elif pos in covering:
                cover = f"GPU {gpu_no[covering[pos]]}"
                out.append(SlotLane(pos, f"Slot {pos}", GPU, COVERED, None, None, "", cover, lanes, 0, 0,
                                    "PCIe switch", gen, (), f"covered by the cooler of {cover}"))
            else:
                out.append(SlotLane(pos, f"Slot {pos}", GPU, FREE, None, None, "", "", lanes, 0, 0, "PCIe switch",
                                    gen, (), f"free, x{lanes}"))
        nic_slots = chassis.nic_slots
    nics = _nic_units(build)
    for k in range(1, nic_slots + 1):
        nic = nics[k - 1] if k <= len(nics) else None
        if nic is not None:
            get = min(lanes, nic.pcie_lanes)
            out.append(SlotLane(k, f"NIC slot {k}", NIC, NIC, nic.id, nic.name, f"NIC {k}", "", lanes, get,
                                nic.pcie_lanes, "CPU", gen, (), f"NIC {k} runs at x{get}"))
        else:
            out.append(SlotLane(k, f"NIC slot {k}", NIC, FREE, None, None, "", "", lanes, 0, 0, "CPU", gen, (),
                                f"free, x{lanes}"))
    return out


def lane_map(build: "Build") -> LaneMap:
    """Every slot of the node with its part and the PCIe lanes it gets (empty map without a chassis)."""
    chassis = build.chassis
    if chassis is None:
        return LaneMap("", (), _m2(build) if build.platform else ())
    slots = _tower(build) if chassis.kind == "tower" else _server(build)
    return LaneMap(chassis.kind, tuple(slots), _m2(build))


# -- DIMM population ------------------------------------------------------------------------------------
def _speed_rows(build: "Build") -> list[parts.MemorySpeed]:
    platform = build.platform
    getter = getattr(build.catalog, "memory_speeds", None)
    return list(getter(platform.id)) if platform is not None and getter else []


def platform_speed(rows: list[parts.MemorySpeed], dpc: int, ranks: int) -> int | None:
    """The platform's speed for ``dpc`` DIMMs per channel of modules with up to ``ranks`` ranks (None: not listed)."""
    fit = sorted((r for r in rows if r.dimms_per_channel == dpc and r.ranks >= ranks), key=lambda r: r.ranks)
    if fit:
        return fit[0].speed_mts
    same = sorted((r for r in rows if r.dimms_per_channel == dpc), key=lambda r: r.ranks)
    return same[-1].speed_mts if same else None


def bigger_module(build: "Build", dimm: parts.Memory, factor: int) -> parts.Memory | None:
    """A catalog module like ``dimm`` (type, ECC) with ``factor`` x its capacity and at most 2 ranks: the same
    capacity at one DIMM per channel (None when the catalog has none)."""
    listing = getattr(build.catalog, "list", None)
    if listing is None:
        return None
    found = [m for m in listing("memory") if m.memory_type == dimm.memory_type and m.ecc == dimm.ecc
             and m.capacity_gb == dimm.capacity_gb * factor and m.ranks <= 2]
    # the module as fast as the one it replaces (not a faster, dearer grade), else the fastest there is
    return min(found, key=lambda m: (m.speed_mts < dimm.speed_mts, m.speed_mts if m.speed_mts >= dimm.speed_mts
                                     else -m.speed_mts, m.id)) if found else None


def dimm_population(build: "Build") -> DimmPopulation:
    """DIMMs spread over the channels as a technician fills them (slot A of every channel first, then slot B), and
    the speed they all run at: the lowest of the platform's speed for that population and the modules' rating."""
    platform = build.platform
    dimms = [i.part for i in build.memory for _ in range(i.quantity)]
    if platform is None:
        return DimmPopulation((), 0, 0, None, None, (), False, len(dimms))
    channels, per = platform.memory_channels, platform.dimms_per_channel
    fill: list[list[DimmSlot]] = [[] for _ in range(channels)]
    for n, d in enumerate(dimms[: channels * per]):
        ch, slot = n % channels, n // channels
        fill[ch].append(DimmSlot("AB"[slot] if slot < 2 else str(slot + 1), d.id, d.name, d.memory_type, d.ranks,
                                 d.capacity_gb, d.speed_mts))
    dpc = max((len(f) for f in fill), default=0)
    ranks = max((d.ranks for d in dimms), default=0)
    rows = _speed_rows(build)
    rated = platform_speed(rows, 1, min((r.ranks for r in rows if r.dimms_per_channel == 1), default=1)) \
        if rows else None
    speed = None
    limits: list[str] = []
    if dimms:
        board = platform_speed(rows, dpc, ranks) if rows else None
        module = min(d.speed_mts for d in dimms)
        speed = min(x for x in (board, module) if x is not None)
        if rated is not None and speed < rated:
            one = platform_speed(rows, 1, ranks)
            if dpc > 1 and board is not None and one is not None and board < one:
                limits.append(f"{dpc} DIMMs per channel")
            if one is not None and one < rated:
                limits.append(f"{ranks}-rank modules")
            if module < rated and module <= (board or module):
                limits.append(f"{dimms[0].generation}-{module} modules")
    mixed = len({d.ranks for d in dimms}) > 1
    return DimmPopulation(tuple(ChannelFill(i + 1, tuple(f), speed) for i, f in enumerate(fill)), per, dpc, speed,
                          rated, tuple(limits), mixed, max(0, len(dimms) - channels * per))
