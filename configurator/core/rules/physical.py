"""Physical fit: chassis vs build kind and platform, slot positions and card width, PCIe slots and lanes,
the chassis GPU limit, SXM boards, GPU mixing, NVLink bridges and cooling of stacked cards."""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration.placement import (
    CHASSIS_KINDS, KIND_WORDS, board_gpus, card_width, positions, socket_list,
)
from configurator.core.rules.findings import Finding, error, info, warning

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def chassis_platform(build: "Build") -> Iterator[Finding]:
    chassis, platform = build.chassis, build.platform
    if chassis is None:
        return
    if chassis.kind not in CHASSIS_KINDS[build.kind]:
        yield error("CHASSIS_KIND", f"The {chassis.name} is not a chassis for {KIND_WORDS[build.kind]} build.",
                    chassis.id)
    if platform is not None and platform.socket not in socket_list(chassis):
        yield error("PLATFORM_CHASSIS", f"The {platform.name} ({platform.socket} socket) does not fit the "
                    f"{chassis.name}, which takes {', '.join(socket_list(chassis))} boards.", platform.id, chassis.id)


def gpu_form(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    board = build.on_board
    modules = sorted({p.gpu.id: p.gpu for p in build.gpus if p.gpu.is_module}.values(), key=lambda g: g.id)
    cards = sorted({p.gpu.id: p.gpu for p in build.gpus if not p.gpu.is_module}.values(), key=lambda g: g.id)
    if not board:
        for gpu in modules:
            yield error("SXM_IN_PCIE", f"The {gpu.name} is an SXM/OAM module: it mounts only on an HGX GPU board, "
                        f"not in a PCIe slot. Use an SXM server build, or a PCIe GPU.", gpu.id)
        return
    for gpu in cards:
        yield error("PCIE_ON_BOARD", f"The {gpu.name} is a PCIe card; an HGX GPU board takes only SXM/OAM modules.",
                    gpu.id)
    if chassis is not None and chassis.kind == "hgx":
        allowed = board_gpus(chassis)
        for gpu in modules:
            if gpu.id not in allowed:
                yield error("SXM_BOARD_GPU", f"The {chassis.name} board takes {', '.join(allowed)}, not the "
                            f"{gpu.name}.", gpu.id, chassis.id)


def slot_width(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or build.on_board:
        return
    cards = [p for p in build.gpus if not p.gpu.is_module]
    for p in cards:
        gpu, width = p.gpu, card_width(p.gpu)
        if p.slot is None:
            yield error("SLOT_WIDTH", f"The {gpu.name} has no slot position in the {chassis.name}.", gpu.id)
        elif chassis.max_gpu_width and width > chassis.max_gpu_width:
            yield error("SLOT_WIDTH", f"The {gpu.name} is {width} slots wide; the {chassis.name} takes cards up to "
                        f"{chassis.max_gpu_width} slots wide.", gpu.id, chassis.id)
        elif p.slot < 1 or p.slot + width - 1 > chassis.slot_positions:
            yield error("SLOT_WIDTH", f"The {gpu.name} in slot {p.slot} needs positions {p.slot}-{p.slot + width - 1}"
                        f"; the {chassis.name} has positions 1-{chassis.slot_positions}.", gpu.id, chassis.id)
    for a, b in combinations([p for p in cards if p.slot is not None], 2):
        shared = set(positions(a)) & set(positions(b))
        if shared:
            yield error("SLOT_WIDTH", f"The {a.gpu.name} in slot {a.slot} ({card_width(a.gpu)} slots wide) overlaps "
                        f"the {b.gpu.name} in slot {b.slot}: position {min(shared)} is covered twice.",
                        a.gpu.id, b.gpu.id)


def chassis_gpu_limit(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or chassis.kind == "hgx":
        return
    n = build.gpus_per_node
    if n > chassis.max_gpus:
        yield error("CHASSIS_GPU_LIMIT", f"The {chassis.name} holds at most {chassis.max_gpus} GPUs; the build has {n}.",
                    chassis.id, *build.gpu_counts())


def sxm_board_count(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or chassis.kind != "hgx":
        return
    n = build.gpus_per_node
    if n and n != chassis.max_gpus:
        yield error("SXM_BOARD_COUNT", f"The {chassis.name} has an HGX board of exactly {chassis.max_gpus} GPUs; "
                    f"the build has {n}. SXM boards come fully populated (4 or 8 identical GPUs).",
                    chassis.id, *build.gpu_counts())


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
    names = ", ".join(sorted({p.gpu.name for p in build.gpus}))
    if build.on_board:
        yield error("GPU_MIX", f"An SXM board takes identical GPUs; this build mixes {names}.", *counts)
    else:
        yield warning("GPU_MIX", f"This build mixes {names}: tensor-parallel serving runs at the pace of the slowest "
                      f"card and memory is split unevenly.", *counts)


def nvlink(build: "Build") -> Iterator[Finding]:
    counts = build.gpu_counts()
    for item in build.bridges:
        bridge = item.part
        listed = [g.strip() for g in bridge.gpus.split(",")]
        best_id = max(listed, key=lambda g: counts.get(g, 0))
        best = counts.get(best_id, 0)
        if best < bridge.ways:
            yield error("NVLINK_MISMATCH", f"The {bridge.name} joins {bridge.ways} identical "
                        f"{' or '.join(listed)} cards; the build has {best} of them.", bridge.id, *counts)
        elif item.quantity * bridge.ways > best:
            yield error("NVLINK_MISMATCH", f"{item.quantity} x {bridge.name} need {item.quantity * bridge.ways} "
                        f"identical cards; the build has {best}.", bridge.id, best_id)
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
        taken = {pos for p in build.gpus if p not in open_air for pos in positions(p)}
        cramped = [p for p in open_air
                   if (p.slot - 1) in taken | _others(open_air, p) or
                   (p.slot + card_width(p.gpu)) in taken | _others(open_air, p)]
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
    if chassis.kind == "tower":
        for gpu in {p.gpu.id: p.gpu for p in build.gpus if p.gpu.cooling.lower().startswith("passive")}.values():
            yield warning("PASSIVE_COOLING", f"The {gpu.name} has a passive heatsink made for server airflow; in a "
                          f"tower it needs dedicated fans ducted through it.", gpu.id, chassis.id)


def _others(cards, card) -> set[int]:
    return {pos for p in cards if p is not card for pos in positions(p)}


def nic_slots(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    n = build.count("network")
    if chassis is not None and n > chassis.nic_slots:
        yield error("NIC_SLOTS", f"The {chassis.name} has {chassis.nic_slots} slot(s) for network cards; the build "
                    f"has {n}.", chassis.id, *[i.part.id for i in build.network])


RULES = [chassis_platform, gpu_form, slot_width, chassis_gpu_limit, sxm_board_count, pcie_slots_and_lanes,
         gpu_mix, nvlink, cooling, nic_slots]
