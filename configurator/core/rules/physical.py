"""Physical fit: chassis vs build kind and platform, slot positions and card width, PCIe slots and lanes,
the chassis GPU limit, SXM boards, GPU mixing, NVLink bridges and cooling of stacked cards.

What is physically impossible (a card too wide, two cards in one position, a module in a PCIe slot, ...)
is decided, and worded, by ``configuration.constraints``, which placement asks too: a finding here reads
as the reason the same part would be refused when dragged. These rules only choose what to check on a
whole build; PCIe lanes, mixing cards in a workstation, NVLink hints and cooling are theirs alone.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration import constraints as c
from configurator.core.rules.findings import Finding, error, info, warning

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def _errors(*problems: c.Problem | None) -> Iterator[Finding]:
    """Each problem a constraint found, as an error finding with the constraint's code, sentence and parts."""
    for p in problems:
        if p is not None:
            yield error(p.code, p.text, *p.parts)


def _models(build: "Build") -> list:
    """The GPU models of the build, one each, by id."""
    return sorted({p.gpu.id: p.gpu for p in build.gpus}.values(), key=lambda g: g.id)


def chassis_platform(build: "Build") -> Iterator[Finding]:
    chassis, platform = build.chassis, build.platform
    if chassis is None:
        return
    yield from _errors(c.chassis_kind(build.kind, chassis),
                       c.platform_socket(chassis, platform) if platform is not None else None)


def gpu_form(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if not build.on_board:
        yield from _errors(*(c.module_in_pcie(gpu) for gpu in _models(build)))
        return
    yield from _errors(*(c.card_on_board(gpu) for gpu in _models(build)))
    if chassis is not None:
        yield from _errors(*(c.board_model(chassis, gpu) for gpu in _models(build) if gpu.is_module))


def slot_width(build: "Build") -> Iterator[Finding]:
    """Each card within the chassis' positions and no wider than it takes; no position covered twice."""
    chassis = build.chassis
    if chassis is None or build.on_board:
        return
    cards = [p for p in build.gpus if not p.gpu.is_module]  # modules: gpu_form reports them
    for p in cards:
        if p.slot is None:
            yield from _errors(c.no_room(chassis, p.gpu))
        else:
            yield from _errors(c.card_slot(chassis, p.gpu, p.slot))  # width and range; overlaps below, by pair
    placed = [p for p in cards if p.slot is not None]
    for a, b in combinations(placed, 2):  # the later card is the one covered
        yield from _errors(c.card_covered(b.gpu, b.slot, a.gpu, a.slot))


def chassis_gpu_limit(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or build.on_board:
        return
    yield from _errors(c.gpu_limit(chassis, build.gpus_per_node, build.gpu_counts()))


def sxm_board_count(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or not build.on_board:
        return
    n, ids = build.gpus_per_node, build.gpu_counts()
    yield from _errors(c.board_capacity(chassis, n, ids) or c.board_populated(chassis, n, ids))


def sxm_board_sockets(build: "Build") -> Iterator[Finding]:
    """Each module in a socket the board has, one module per socket (a full board's extra modules have no
    socket: ``sxm_board_count`` reports them)."""
    chassis = build.chassis
    if chassis is None or not build.on_board:
        return
    filled: list[int] = []
    for p in build.gpus:
        if p.slot is not None:
            yield from _errors(c.board_socket(chassis, p.gpu, p.slot, filled))
            filled.append(p.slot)


def pcie_slots_and_lanes(build: "Build") -> Iterator[Finding]:
    """Towers only: server chassis fan GPUs and NICs out through PCIe switches (or the HGX board)."""
    chassis, platform = build.chassis, build.platform
    if chassis is None or platform is None or chassis.kind != "tower":
        return
    n_gpu, n_nic = build.gpus_per_node, build.count("network")
    if n_gpu + n_nic > platform.pcie_x16_slots:
        yield error("PCIE_SLOTS", f"The {platform.name} has {platform.pcie_x16_slots} PCIe x16 slots; the build needs "
                    f"{n_gpu + n_nic} ({n_gpu} GPUs, {n_nic} network cards).", platform.id)
    gpu_lanes = int(build.param("pcie_lanes_per_gpu")) * n_gpu
    nic_lanes = sum(i.part.pcie_lanes * i.quantity for i in build.network)
    nvme_lanes = sum(i.part.pcie_lanes * i.quantity for i in build.storage)
    need = gpu_lanes + nic_lanes + nvme_lanes
    parts_ = [platform.id, *build.gpu_counts()]
    if gpu_lanes > platform.pcie_lanes:
        yield error("PCIE_LANES", f"{n_gpu} GPUs at x16 need {gpu_lanes} PCIe lanes; the {platform.name} has "
                    f"{platform.pcie_lanes}.", *parts_)
    elif need > platform.pcie_lanes:
        yield warning("PCIE_LANES", f"GPUs, network cards and NVMe drives need {need} PCIe lanes; the "
                      f"{platform.name} has {platform.pcie_lanes}: some devices will run at reduced link width.",
                      *parts_)


def gpu_mix(build: "Build") -> Iterator[Finding]:
    counts = build.gpu_counts()
    if len(counts) < 2:
        return
    if build.on_board:
        yield from _errors(c.board_mix(p.gpu for p in build.gpus))
    else:
        names = ", ".join(sorted({p.gpu.name for p in build.gpus}))
        yield warning("GPU_MIX", f"This build mixes {names}: tensor-parallel serving runs at the pace of the slowest "
                      f"card and memory is split unevenly.", *counts)


def nvlink(build: "Build") -> Iterator[Finding]:
    counts = build.gpu_counts()
    cards = [p.gpu for p in build.gpus]  # a bridge on cards without NVLink says so (NVLINK_NONE) first
    yield from _errors(*(c.bridge_no_nvlink(item.part, cards) or c.bridge_cards(item.part, item.quantity, counts)
                         for item in build.bridges))
    if not build.bridges and not build.on_board:
        for gpu_id, n in counts.items():
            gpu = next(p.gpu for p in build.gpus if p.gpu.id == gpu_id)
            if gpu.bridge_capable and n >= 2:
                yield info("NVLINK_OPTION", f"The {gpu.name} cards can be joined by NVLink bridges for faster "
                           f"GPU-to-GPU traffic.", gpu_id)


def cooling(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or build.on_board:
        return
    open_air = [p for p in build.gpus if p.gpu.open_air and p.slot is not None]
    allowed = int(build.param("tower_max_open_air_gpus"))
    if len(open_air) > allowed and build.gpus_per_node > 1:
        taken = {pos for p in build.gpus if p not in open_air for pos in c.covered(p.gpu, p.slot)}
        cramped = [p for p in open_air
                   if (p.slot - 1) in taken | _others(open_air, p) or
                   (p.slot + c.card_width(p.gpu)) in taken | _others(open_air, p)]
        ids = [p.gpu.id for p in open_air]
        text = (f"{len(open_air)} open-air (flow-through) cards in the {chassis.name} blow their heat into each "
                f"other and the CPU cooler")
        if cramped:
            yield error("OPEN_AIR_STACK", f"{text}, and they sit right next to each other: they will throttle or "
                        f"shut down. Use blower or Max-Q cards (e.g. RTX PRO 6000 Max-Q) for multi-GPU towers.",
                        *ids, chassis.id)
        else:
            yield warning("OPEN_AIR_STACK", f"{text}. Blower or Max-Q cards are the safer choice for multi-GPU "
                          f"builds.", *ids, chassis.id)
    # Passive cards outside server airflow: PASSIVE_COOLING, an error (rules/slots.py, constraints.gpu_airflow).


def _others(cards, card) -> set[int]:
    return {pos for p in cards if p is not card for pos in c.covered(p.gpu, p.slot)}


def nic_slots(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is not None:
        yield from _errors(c.nic_slots(chassis, build.count("network"), [i.part.id for i in build.network]))


RULES = [chassis_platform, gpu_form, slot_width, chassis_gpu_limit, sxm_board_count, sxm_board_sockets,
         pcie_slots_and_lanes, gpu_mix, nvlink, cooling, nic_slots]
