"""Physical constraints, each written once: what a chassis, a GPU board, a platform or a bridge can take.

One small pure function per constraint. It looks at parts and plain facts (a slot, a count, the cards
already there) and returns the ``Problem`` (or None): a stable code, the sentence a person reads and the
catalog ids it names. Two callers use the same functions, so a constraint and its wording cannot drift:

- ``placement`` (``Build.place``/``can_place``/``move`` and the drag-and-drop hover text) shows ``text``
  as the reason a part cannot go where it is dragged;
- the rules (``rules.physical``, ``rules.power``, ``rules.memory``) report it as a finding on a whole
  build, with ``text`` as the message, ``code`` as the finding code and ``parts`` as the ids involved.

Only what is physically impossible lives here. What is possible but unwise (power headroom, airflow,
mixing cards in a workstation, PCIe lanes) is for the rules alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from configurator.core import parts
from configurator.present import count, watts

CHASSIS_KINDS = {  # build kind -> chassis kinds it takes
    "workstation": ("tower", "pcie_server"),
    "sxm_server": ("hgx",),
    "cluster": ("hgx", "pcie_server"),
}
KIND_WORDS = {"workstation": "a workstation", "sxm_server": "an SXM server", "cluster": "a cluster node"}
PSU_FORMS = {"atx": "ATX", "server": "server (CRPS)"}


@dataclass(frozen=True)
class Problem:
    """Why a part cannot be where it is (or would go)."""

    code: str  # the finding code (stable: docs/build-file.md lists them)
    text: str  # the sentence(s) a person reads, the same as hover reason and as finding message
    parts: tuple[str, ...] = ()  # catalog ids the sentence names


def _problem(code: str, text: str, *ids: str) -> Problem:
    return Problem(code, text, tuple(dict.fromkeys(ids)))


def _many(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _do_not_fit(n: int, one: str, many: str) -> str:
    return f"{_many(n, one, many)} {'does' if n == 1 else 'do'} not fit"


# -- geometry: the facts both callers need ------------------------------------------------------------
def card_width(gpu: parts.Gpu) -> int:
    """Slot positions a PCIe card covers (a card without a width covers one)."""
    return gpu.slot_width or 1


def covered(gpu: parts.Gpu, slot: int | None) -> range:
    """Slot positions a card of ``gpu`` starting at ``slot`` covers (empty when it has no slot)."""
    if slot is None:
        return range(0)
    return range(slot, slot + card_width(gpu))


def slot_starts(chassis: parts.Chassis) -> range:
    """Every slot position of a PCIe chassis, in order (where a card could start)."""
    return range(1, chassis.slot_positions + 1)


def board_sockets(chassis: parts.Chassis) -> range:
    """Every GPU socket of an HGX board, in order."""
    return range(1, chassis.max_gpus + 1)


def socket_list(chassis: parts.Chassis) -> list[str]:
    return [s.strip() for s in chassis.sockets_supported.split(",") if s.strip()]


def board_gpus(chassis: parts.Chassis) -> list[str]:
    """GPU ids the chassis' board takes."""
    return [s.strip() for s in chassis.sxm_gpus.split(",") if s.strip()]


def bridge_gpus(bridge: parts.Bridge) -> list[str]:
    """GPU ids a bridge joins."""
    return [g.strip() for g in bridge.gpus.split(",") if g.strip()]


# -- chassis and platform -----------------------------------------------------------------------------
def chassis_kind(build_kind: str, chassis: parts.Chassis) -> Problem | None:
    if chassis.kind in CHASSIS_KINDS[build_kind]:
        return None
    return _problem("CHASSIS_KIND", f"The {chassis.name} is not a chassis for {KIND_WORDS[build_kind]} build.",
                    chassis.id)


def platform_socket(chassis: parts.Chassis, platform: parts.Platform) -> Problem | None:
    sockets = socket_list(chassis)
    if platform.socket in sockets:
        return None
    return _problem("PLATFORM_CHASSIS", f"The {chassis.name} takes {', '.join(sockets)} boards, not the "
                    f"{platform.socket} socket of the {platform.name}.", platform.id, chassis.id)


# -- GPU form: PCIe card or SXM/OAM module ------------------------------------------------------------
def module_in_pcie(gpu: parts.Gpu) -> Problem | None:
    """An SXM/OAM module offered to PCIe slot positions."""
    if not gpu.is_module:
        return None
    return _problem("SXM_IN_PCIE", f"The {gpu.name} is an SXM/OAM module: it mounts only on a GPU board (HGX or OAM), "
                    f"not in a PCIe slot. Use an SXM server build for it, or a PCIe GPU.", gpu.id)


def card_on_board(gpu: parts.Gpu) -> Problem | None:
    """A PCIe card offered to an HGX board."""
    if gpu.is_module:
        return None
    return _problem("PCIE_ON_BOARD", f"The {gpu.name} is a PCIe card; a GPU board (HGX or OAM) takes only SXM/OAM "
                    f"modules. Use a workstation or PCIe server build for PCIe cards.", gpu.id)


# -- the HGX board -------------------------------------------------------------------------------------
def board_model(chassis: parts.Chassis, gpu: parts.Gpu) -> Problem | None:
    """A module the board does not take (the chassis' ``sxm_gpus``)."""
    allowed = board_gpus(chassis)
    if gpu.id in allowed:
        return None
    return _problem("SXM_BOARD_GPU", f"The {chassis.name} board takes only {', '.join(allowed)}, not the "
                    f"{gpu.name}.", gpu.id, chassis.id)


def board_mix(gpus: Iterable[parts.Gpu]) -> Problem | None:
    """A board holds identical GPUs: ``gpus`` are those on it (or about to be)."""
    models = {g.id: g for g in gpus}
    if len(models) < 2:
        return None
    names = ", ".join(sorted(g.name for g in models.values()))
    return _problem("GPU_MIX", f"A GPU board holds only identical GPUs, not a mix of {names}.", *models)


def board_capacity(chassis: parts.Chassis, n: int, gpu_ids: Iterable[str] = ()) -> Problem | None:
    """``n`` modules on a board of ``max_gpus`` sockets."""
    if n <= chassis.max_gpus:
        return None
    return _problem("SXM_BOARD_COUNT", f"All {chassis.max_gpus} GPU sockets of the {chassis.name} board are "
                    f"filled; {_do_not_fit(n, 'GPU', 'GPUs')}.", chassis.id, *gpu_ids)


def board_populated(chassis: parts.Chassis, n: int, gpu_ids: Iterable[str] = ()) -> Problem | None:
    """A board is sold fully populated. Placement builds a board up one module at a time, so only the rules
    (a whole build) check this."""
    if n == 0 or n >= chassis.max_gpus:
        return None
    return _problem("SXM_BOARD_COUNT", f"The {chassis.name} has a GPU board of exactly {chassis.max_gpus} GPUs; "
                    f"the build has {n}. GPU boards (HGX, OAM) come fully populated (4 or 8 identical GPUs).",
                    chassis.id, *gpu_ids)


def board_socket(chassis: parts.Chassis, gpu: parts.Gpu, socket: int,
                 filled: Iterable[int] = ()) -> Problem | None:
    """A module in board socket ``socket``, where ``filled`` are the sockets other modules hold."""
    if socket not in board_sockets(chassis):
        return _problem("SXM_BOARD_SOCKET", f"The {chassis.name} board has GPU sockets 1 to {chassis.max_gpus}; "
                        f"there is no socket {socket}.", gpu.id, chassis.id)
    if socket in set(filled):
        return _problem("SXM_BOARD_SOCKET", f"GPU socket {socket} of the {chassis.name} board is already filled.",
                        gpu.id, chassis.id)
    return None


# -- PCIe slot positions -------------------------------------------------------------------------------
def card_too_wide(chassis: parts.Chassis, gpu: parts.Gpu) -> Problem | None:
    width = card_width(gpu)
    if not chassis.max_gpu_width or width <= chassis.max_gpu_width:
        return None
    return _problem("SLOT_WIDTH", f"The {gpu.name} is {width} slots wide; the {chassis.name} takes cards up to "
                    f"{chassis.max_gpu_width} slots wide.", gpu.id, chassis.id)


def card_past_end(chassis: parts.Chassis, gpu: parts.Gpu, slot: int) -> Problem | None:
    """A card starting at ``slot`` must lie within the chassis' slot positions."""
    width = card_width(gpu)
    if 1 <= slot and slot + width - 1 <= chassis.slot_positions:
        return None
    if width > 1 and 1 <= slot <= chassis.slot_positions:
        return _problem("SLOT_WIDTH", f"The {gpu.name} is {width} slots wide: from slot {slot} it would run past "
                        f"the last position ({chassis.slot_positions}) of the {chassis.name}.", gpu.id, chassis.id)
    return _problem("SLOT_WIDTH", f"The {chassis.name} has slot positions 1 to {chassis.slot_positions}; there is "
                    f"no slot {slot}.", gpu.id, chassis.id)


def card_covered(gpu: parts.Gpu, slot: int, other: parts.Gpu, other_slot: int | None) -> Problem | None:
    """A card of ``gpu`` at ``slot`` against the card of ``other`` at ``other_slot``."""
    taken = set(covered(other, other_slot)) & set(covered(gpu, slot))
    if not taken:
        return None
    return _problem("SLOT_WIDTH", f"Slot {min(taken)} is covered by the {other.name} in slot {other_slot}: the "
                    f"{gpu.name} needs {card_width(gpu)} free positions starting at slot {slot}.",
                    gpu.id, other.id)


def card_slot(chassis: parts.Chassis, gpu: parts.Gpu, slot: int,
              others: Iterable[tuple[parts.Gpu, int | None]] = ()) -> Problem | None:
    """Why a card of ``gpu`` cannot start at ``slot`` beside the cards ``others`` ((gpu, slot) pairs)."""
    problem = card_too_wide(chassis, gpu) or card_past_end(chassis, gpu, slot)
    if problem:
        return problem
    return next((p for p in (card_covered(gpu, slot, o, s) for o, s in others) if p), None)


def no_room(chassis: parts.Chassis, gpu: parts.Gpu) -> Problem | None:
    """A card with no slot position: no run of free positions as wide as the card is left."""
    width = card_width(gpu)
    room = "free slot position" if width == 1 else f"{width} free neighbouring slot positions"
    return _problem("SLOT_WIDTH", f"The {chassis.name} has no {room} left for the {gpu.name}.", gpu.id, chassis.id)


def gpu_limit(chassis: parts.Chassis, n: int, gpu_ids: Iterable[str] = ()) -> Problem | None:
    """``n`` PCIe cards in a chassis that holds ``max_gpus``."""
    if n <= chassis.max_gpus:
        return None
    return _problem("CHASSIS_GPU_LIMIT", f"The {chassis.name} holds at most {chassis.max_gpus} GPUs; "
                    f"{_do_not_fit(n, 'GPU', 'GPUs')}.", chassis.id, *gpu_ids)


# -- network cards, bridges ----------------------------------------------------------------------------
def nic_slots(chassis: parts.Chassis, n: int, nic_ids: Iterable[str] = ()) -> Problem | None:
    if n <= chassis.nic_slots:
        return None
    return _problem("NIC_SLOTS", f"The {chassis.name} has {_many(chassis.nic_slots, 'slot', 'slots')} for network "
                    f"cards; {_do_not_fit(n, 'network card', 'network cards')}.", chassis.id, *nic_ids)


def bridge_cards(bridge: parts.Bridge, quantity: int, counts: Mapping[str, int]) -> Problem | None:
    """``quantity`` bridges, each joining ``ways`` identical cards of a model it lists; ``counts``: GPU id ->
    cards of it in the node."""
    listed = bridge_gpus(bridge)
    best_id = max(listed, key=lambda g: counts.get(g, 0), default="")
    best = counts.get(best_id, 0)
    if best < bridge.ways:
        return _problem("NVLINK_MISMATCH", f"The {bridge.name} joins {bridge.ways} identical "
                        f"{' or '.join(listed)} cards; the build has {best} of them.", bridge.id, *counts)
    if quantity * bridge.ways > best:
        return _problem("NVLINK_MISMATCH", f"{quantity} x {bridge.name} need {quantity * bridge.ways} identical "
                        f"cards; the build has {best}.", bridge.id, best_id)
    return None


# -- power supplies --------------------------------------------------------------------------------------
def psu_form(chassis: parts.Chassis, psu: parts.Psu) -> Problem | None:
    """The PSU's form factor and rating against what the chassis' bays take."""
    if psu.form != chassis.psu_form:
        return _problem("PSU_FORM", f"The {chassis.name} takes {PSU_FORMS.get(chassis.psu_form, chassis.psu_form)} "
                        f"power supplies; the {psu.name} is not one.", psu.id, chassis.id)
    if psu.watts > chassis.max_psu_w:
        return _problem("PSU_FORM", f"The {chassis.name} takes power supplies up to {watts(chassis.max_psu_w)}; "
                        f"the {psu.name} is {watts(psu.watts)}.", psu.id, chassis.id)
    return None


def psu_bays(chassis: parts.Chassis, n: int, psu_ids: Iterable[str] = ()) -> Problem | None:
    if n <= chassis.psu_bays:
        return None
    return _problem("PSU_BAYS", f"The {chassis.name} has {_many(chassis.psu_bays, 'PSU bay', 'PSU bays')}; "
                    f"{_do_not_fit(n, 'PSU', 'PSUs')}.", chassis.id, *psu_ids)


# -- memory ----------------------------------------------------------------------------------------------
def dimm_kind(platform: parts.Platform, dimm: parts.Memory) -> Problem | None:
    """The DIMM's generation (DDR4/DDR5) and, where the platform requires it, registered ECC."""
    if dimm.memory_type.split()[0] != platform.memory_type.split()[0]:
        return _problem("MEMORY_TYPE", f"The {platform.name} takes {platform.memory_type}; the {dimm.name} is "
                        f"{dimm.memory_type}.", dimm.id, platform.id)
    if platform.ecc_required and not (dimm.ecc and dimm.registered):
        return _problem("ECC_REQUIRED", f"The {platform.name} runs only registered ECC memory (RDIMM); the "
                        f"{dimm.name} is not.", dimm.id, platform.id)
    if dimm.module != platform.dimm_module:
        kind = {"RDIMM": "registered (RDIMM)", "UDIMM": "unbuffered (UDIMM)"}
        return _problem("MEMORY_TYPE", f"The {platform.name} takes {kind.get(platform.dimm_module, platform.dimm_module)}"
                        f" memory; the {dimm.name} is {kind.get(dimm.module, dimm.module)} and does not run in it.",
                        dimm.id, platform.id)
    return None


def dimm_slots(platform: parts.Platform, n: int, dimm_ids: Iterable[str] = ()) -> Problem | None:
    slots = platform.memory_channels * platform.dimms_per_channel
    if n <= slots:
        return None
    return _problem("DIMM_SLOTS", f"The {platform.name} has {_many(slots, 'DIMM slot', 'DIMM slots')}; "
                    f"{_do_not_fit(n, 'DIMM', 'DIMMs')}.", platform.id, *dimm_ids)


# -- platform class: who the chassis' host board is ------------------------------------------------------
def host_boards(chassis: parts.Chassis) -> list[str]:
    """Platform ids an HGX chassis ships with as its own host board (empty: any board of its sockets)."""
    return [s.strip() for s in chassis.host_boards.split(",") if s.strip()]


def host_classes(chassis: parts.Chassis) -> list[str]:
    """Platform segments the chassis takes ("workstation", "desktop", "server"); empty: any."""
    return [s.strip() for s in chassis.host_classes.split(",") if s.strip()]


def platform_class(chassis: parts.Chassis, platform: parts.Platform,
                   hosts: Iterable[parts.Platform] = ()) -> Problem | None:
    """An HGX chassis ships with its own host board; other chassis take boards of their class (a server chassis no
    workstation board, a tower no server board). ``hosts``: the host-board platforms, for their names."""
    boards = host_boards(chassis)
    if boards and platform.id not in boards:
        names = {h.id: h.name for h in hosts}
        listed = " or ".join(names.get(b, b) for b in boards)
        same = (f" A {platform.segment} board with the same {platform.socket} socket is not one."
                if platform.segment != "server" and platform.socket in socket_list(chassis) else "")
        return _problem("PLATFORM_CLASS", f"The {chassis.name} ships with its own host board ({listed}); the "
                        f"{platform.name} is not one of them.{same}", platform.id, chassis.id, *boards)
    classes = host_classes(chassis)
    if classes and platform.segment not in classes:
        return _problem("PLATFORM_CLASS", f"The {chassis.name} takes {' or '.join(classes)} boards; the "
                        f"{platform.name} is a {platform.segment} platform.", platform.id, chassis.id)
    return None


# -- cooling: passive cards need a server's fan wall -----------------------------------------------------
def passive(gpu: parts.Gpu) -> bool:
    """A passive (server-edition) heatsink: no fan of its own."""
    return gpu.cooling.lower().startswith("passive")


def gpu_airflow(chassis: parts.Chassis, gpu: parts.Gpu, alternative: parts.Gpu | None = None) -> Problem | None:
    """A passive PCIe card where no fan wall pushes air through it. ``alternative``: an actively cooled card to
    offer instead (from the catalog)."""
    if gpu.is_module or not passive(gpu) or chassis.server_airflow:
        return None
    fix = (f" Use the {alternative.name} (its own fan) or a server chassis." if alternative is not None
           else " Use an actively cooled card or a server chassis.")
    return _problem("PASSIVE_COOLING", f"The {gpu.name} has a passive heatsink made for a server's fan wall; the "
                    f"{chassis.name} has no server airflow, so the card overheats.{fix}",
                    gpu.id, chassis.id, *([alternative.id] if alternative is not None else []))


# -- slot positions: connectors and slots the coolers leave free -----------------------------------------
def _positions(slots: Iterable[int]) -> str:
    return ", ".join(str(s) for s in sorted(slots))


def card_connector(chassis: parts.Chassis, gpu: parts.Gpu, slot: int,
                   connectors: Iterable[int] | None) -> Problem | None:
    """A card must start at a position with a slot connector (``connectors``: the board's slot positions, None:
    every position has one)."""
    if connectors is None:
        return None
    have = set(connectors)
    if slot in have or not 1 <= slot <= chassis.slot_positions:
        return None
    return _problem("SLOT_NO_CONNECTOR", f"Position {slot} of the {chassis.name} has no slot connector (the board's "
                    f"slots are at positions {_positions(have)}): the {gpu.name} must start in one of them.",
                    gpu.id, chassis.id)


def nic_room(chassis: parts.Chassis, nics: int, free: Iterable[int], nic_ids: Iterable[str] = ()) -> Problem | None:
    """Tower: network cards go only in board slots that no card starts in and no GPU cooler covers (``free``)."""
    if chassis.kind != "tower" or nics == 0:
        return None
    free = sorted(free)
    if nics <= len(free):
        return None
    left = ("no board slot free" if not free else
            f"only {_many(len(free), 'board slot', 'board slots')} free (position {_positions(free)})")
    need = "needs a slot of its own" if nics == 1 else "need a slot each"
    return _problem("SLOT_COVERED", f"The GPUs and their coolers in the {chassis.name} leave {left}; "
                    f"{_many(nics, 'network card', 'network cards')} {need}.", chassis.id, *nic_ids)


# -- NVLink bridge topology -------------------------------------------------------------------------------
def bridge_no_nvlink(bridge: parts.Bridge, gpus: Iterable[parts.Gpu]) -> Problem | None:
    """A bridge on a build whose cards have no NVLink at all (and none it joins)."""
    listed = bridge_gpus(bridge)
    models = {g.id: g for g in gpus}
    if any(g in models for g in listed):
        return None
    without = [g for g in models.values() if not g.bridge_capable and not g.is_module]
    if not without:
        return None
    gpu = without[0]
    return _problem("NVLINK_NONE", f"The {gpu.name} has no NVLink: no NVLink bridge fits it. The {bridge.name} "
                    f"joins only {' or '.join(listed)} cards.", bridge.id, gpu.id)


def _bridged_model(bridge: parts.Bridge, counts: Mapping[str, int]) -> str:
    listed = bridge_gpus(bridge)
    return max(listed, key=lambda g: counts.get(g, 0), default="")


def bridge_sets(bridges: Iterable[tuple[parts.Bridge, int]], gpus: Iterable[parts.Gpu],
                connectors: Mapping[str, int] | None = None) -> Problem | None:
    """Each card takes one bridge set (the set fills its NVLink connectors): the sets of every bridge line of one
    GPU model together join at most as many cards as there are. ``connectors``: GPU id -> NVLink connectors."""
    gpus = list(gpus)
    counts: dict[str, int] = {}
    for g in gpus:
        counts[g.id] = counts.get(g.id, 0) + 1
    joined: dict[str, list[tuple[parts.Bridge, int]]] = {}
    for bridge, quantity in bridges:
        joined.setdefault(_bridged_model(bridge, counts), []).append((bridge, quantity))
    for model, lines in joined.items():
        need = sum(q * b.ways for b, q in lines)
        have = counts.get(model, 0)
        if len(lines) < 2 or need <= have:
            continue  # one line past its cards: bridge_cards says so
        gpu = next(g for g in gpus if g.id == model)
        ports = (connectors or {}).get(model)
        its = f" (all {ports} of its NVLink connectors)" if ports else ""
        return _problem("NVLINK_BRIDGES_PER_CARD", f"A {gpu.name} card takes one NVLink bridge set{its}; "
                        f"{' and '.join(f'{q} x {b.name}' for b, q in lines)} need {need} card attachments and the "
                        f"build has {_many(have, 'card', 'cards')}.", *(b.id for b, _ in lines), model)
    return None


def bridge_groups(bridges: Iterable[tuple[parts.Bridge, int]],
                  cards: Iterable[tuple[parts.Gpu, int | None]]) -> list[tuple[parts.Bridge, parts.Gpu, list[int]]]:
    """Which cards each bridge set joins: the cards of its model in slot order, ``ways`` at a time, bridge line by
    bridge line. (bridge, gpu, start slots of the joined cards) per set."""
    cards = sorted(((g, s) for g, s in cards if s is not None), key=lambda t: t[1])
    counts: dict[str, int] = {}
    for g, _ in cards:
        counts[g.id] = counts.get(g.id, 0) + 1
    taken: dict[str, int] = {}
    out = []
    for bridge, quantity in bridges:
        model = _bridged_model(bridge, counts)
        slots = [s for g, s in cards if g.id == model]
        gpu = next((g for g, _ in cards if g.id == model), None)
        for _ in range(quantity):
            start = taken.get(model, 0)
            group = slots[start:start + bridge.ways]
            if gpu is None or len(group) < bridge.ways:
                break
            out.append((bridge, gpu, group))
            taken[model] = start + bridge.ways
    return out


def bridge_spacing(bridge: parts.Bridge, gpu: parts.Gpu, slots: Iterable[int]) -> Problem | None:
    """The cards one bridge set joins must be neighbours at the bridge's fixed spacing."""
    slots = list(slots)
    for a, b in zip(slots, slots[1:]):
        if b - a != bridge.spacing_slots:
            want = _positions(slots[0] + k * bridge.spacing_slots for k in range(len(slots)))
            return _problem("NVLINK_SPACING", f"The {bridge.name} joins neighbouring cards "
                            f"{bridge.spacing_slots} slot positions apart; the {gpu.name} cards in slots {a} and {b} "
                            f"are {b - a} apart. Put the {_many(len(slots), 'card', 'cards')} it joins in slots "
                            f"{want}.", bridge.id, gpu.id)
    return None


# -- drives and bays --------------------------------------------------------------------------------------
BAY_WORDS = {"m2": ("M.2 socket", "M.2 sockets", "M.2 drive", "M.2 drives"),
             "u2": ("2.5-inch U.2 NVMe bay", "2.5-inch U.2 NVMe bays", "U.2/U.3 drive", "U.2/U.3 drives"),
             "e3s": ("E3.S bay", "E3.S bays", "E3.S drive", "E3.S drives"),
             "e1s": ("E1.S bay", "E1.S bays", "E1.S drive", "E1.S drives")}


def bay_room(chassis: parts.Chassis | None, platform: parts.Platform | None) -> dict[str, int]:
    """Drives of each bay kind ('m2', 'u2', 'e3s') the build has room for; a kind is absent while the part that
    holds it (board or chassis) is not chosen."""
    room: dict[str, int] = {}
    if platform is not None:
        room["m2"] = platform.m2_sockets
    if chassis is not None:
        room.update(u2=chassis.u2_bays, e3s=chassis.e3s_bays, e1s=0)
    return room


def drive_bays(chassis: parts.Chassis | None, platform: parts.Platform | None, drives: Iterable[parts.Storage],
               alternative: parts.Storage | None = None) -> Problem | None:
    """Drives (one entry per drive) against the board's M.2 sockets and the chassis' U.2 and E3.S bays.
    ``alternative``: a drive of another form with room left, to offer instead (from the catalog)."""
    by_bay: dict[str, list[parts.Storage]] = {}
    for d in drives:
        by_bay.setdefault(d.bay, []).append(d)
    room = bay_room(chassis, platform)
    for bay, found in by_bay.items():
        if bay not in room and bay in ("m2", "u2", "e3s", "e1s"):
            continue  # its holder is not chosen yet
        have = room.get(bay, 0)
        if len(found) <= have:
            continue
        holder = platform if bay == "m2" else chassis
        one, many, drive, drives_ = BAY_WORDS.get(bay, (f"{bay} bay", f"{bay} bays", f"{bay} drive", f"{bay} drives"))
        has = f"has {_many(have, one, many)}" if have else f"has no {many}"
        fix = f" The {alternative.name} fits instead." if alternative is not None else ""
        ids = list(dict.fromkeys(d.id for d in found))
        return _problem("DRIVE_BAYS", f"The {holder.name} {has}; {_do_not_fit(len(found), drive, drives_)}.{fix}",
                        *ids, holder.id, *([alternative.id] if alternative is not None else []))
    return None


# -- GPU power connectors ---------------------------------------------------------------------------------
def psu_connectors(psus: Iterable[tuple[parts.Psu, int]], cards: Iterable[tuple[parts.Gpu, "parts.GpuFit | None"]]
                   ) -> Problem | None:
    """The 12V-2x6 and 8-pin GPU cables of the build's ATX power supplies against what its cards take (server
    PSUs feed the chassis' power board, which has a cable per GPU position)."""
    atx = [(p, q) for p, q in psus if p.form == "atx" and q > 0]
    if not atx:
        return None
    cards = list(cards)
    for field, what in (("conn_12v2x6", "12V-2x6"), ("conn_8pin", "8-pin")):
        need = sum(getattr(fit, field) for _, fit in cards if fit is not None)
        have = sum(getattr(p, field) * q for p, q in atx)
        if need <= have:
            continue
        gpu_ids = list(dict.fromkeys(g.id for g, fit in cards if fit is not None and getattr(fit, field)))
        unit, q = max(atx, key=lambda t: getattr(t[0], field))
        each = getattr(unit, field)
        fix = (f" Add another {unit.name} ({each} each) or use fewer GPUs." if each else
               " Choose power supplies with these connectors.")
        return _problem("POWER_CONNECTORS", f"The GPUs take {count(need, what + ' power connector')}; the power "
                        f"supplies provide {have}.{fix}", *(p.id for p, _ in atx), *gpu_ids)
    return None
