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
from configurator.present import watts

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
    return _problem("SXM_IN_PCIE", f"The {gpu.name} is an SXM/OAM module: it mounts only on an HGX GPU board, "
                    f"not in a PCIe slot. Use an SXM server build for it, or a PCIe GPU.", gpu.id)


def card_on_board(gpu: parts.Gpu) -> Problem | None:
    """A PCIe card offered to an HGX board."""
    if gpu.is_module:
        return None
    return _problem("PCIE_ON_BOARD", f"The {gpu.name} is a PCIe card; an HGX GPU board takes only SXM/OAM "
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
    return _problem("SXM_BOARD_COUNT", f"The {chassis.name} has an HGX board of exactly {chassis.max_gpus} GPUs; "
                    f"the build has {n}. SXM boards come fully populated (4 or 8 identical GPUs).",
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
    return None


def dimm_slots(platform: parts.Platform, n: int, dimm_ids: Iterable[str] = ()) -> Problem | None:
    slots = platform.memory_channels * platform.dimms_per_channel
    if n <= slots:
        return None
    return _problem("DIMM_SLOTS", f"The {platform.name} has {_many(slots, 'DIMM slot', 'DIMM slots')}; "
                    f"{_do_not_fit(n, 'DIMM', 'DIMMs')}.", platform.id, *dimm_ids)
