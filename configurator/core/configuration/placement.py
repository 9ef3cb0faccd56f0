"""Can this part go there? The checks behind ``Build.place`` and the drag-and-drop hover text.

Each reason is a sentence for the person dragging. Only what would make the drop physically
impossible is refused here; what is possible but unwise (power, airflow, mixing) is left to the
rules, which report it as findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from configurator.core import parts

if TYPE_CHECKING:
    from configurator.core.configuration.model import Build, GpuPlacement

CHASSIS_KINDS = {  # build kind -> chassis kinds it takes
    "workstation": ("tower", "pcie_server"),
    "sxm_server": ("hgx",),
    "cluster": ("hgx", "pcie_server"),
}
PSU_FORMS = {"atx": "ATX", "server": "server (CRPS)"}
KIND_WORDS = {"workstation": "a workstation", "sxm_server": "an SXM server", "cluster": "a cluster node"}


def card_width(gpu: parts.Gpu) -> int:
    return gpu.slot_width or 1


def positions(p: "GpuPlacement") -> range:
    """Slot positions a PCIe card covers (empty when it has no slot)."""
    if p.slot is None:
        return range(0)
    return range(p.slot, p.slot + card_width(p.gpu))


def socket_list(chassis: parts.Chassis) -> list[str]:
    return [s.strip() for s in chassis.sockets_supported.split(",") if s.strip()]


def board_gpus(chassis: parts.Chassis) -> list[str]:
    return [s.strip() for s in chassis.sxm_gpus.split(",") if s.strip()]


def slot_problem(build: "Build", gpu: parts.Gpu, slot: int, ignore=None) -> str | None:
    """Why a card of this GPU cannot start at ``slot`` in the current chassis (None: it fits)."""
    chassis = build.chassis
    assert chassis is not None
    width = card_width(gpu)
    last = slot + width - 1
    if chassis.max_gpu_width and width > chassis.max_gpu_width:
        return (f"The {gpu.name} is {width} slots wide; the {chassis.name} takes cards up to "
                f"{chassis.max_gpu_width} slots wide.")
    if slot < 1 or last > chassis.slot_positions:
        if width > 1 and 1 <= slot <= chassis.slot_positions:
            return (f"The {gpu.name} is {width} slots wide: from slot {slot} it would run past the last "
                    f"position ({chassis.slot_positions}) of the chassis.")
        return f"The {chassis.name} has slot positions 1 to {chassis.slot_positions}; there is no slot {slot}."
    for other in build.gpus:
        if other is ignore:
            continue
        taken = set(positions(other)) & set(range(slot, last + 1))
        if taken:
            return (f"Slot {min(taken)} is covered by the {other.gpu.name} in slot {other.slot}: the "
                    f"{gpu.name} needs {width} free positions starting at slot {slot}.")
    return None


def free_slot(build: "Build", gpu: parts.Gpu) -> int | None:
    """First position (or socket) where one more card of ``gpu`` fits."""
    chassis = build.chassis
    if chassis is None:
        return None
    if build.on_board:
        used = {p.slot for p in build.gpus}
        return next((s for s in range(1, chassis.max_gpus + 1) if s not in used), None)
    return next((s for s in range(1, chassis.slot_positions + 1) if slot_problem(build, gpu, s) is None), None)


def gpu_reasons(build: "Build", gpu: parts.Gpu, slot: int | None, ignore=None) -> list[str]:
    chassis = build.chassis
    if not gpu.sellable:
        return [f"The {gpu.name} is a reference GPU for calibration only; it is not sold."]
    if chassis is None:
        return ["Choose a chassis first: where GPUs go depends on it."]
    others = [p for p in build.gpus if p is not ignore]
    if build.on_board:
        if not gpu.is_module:
            return [f"The {gpu.name} is a PCIe card; the {chassis.name} takes only SXM/OAM modules on its "
                    f"GPU board. Use a workstation or PCIe server build for PCIe cards."]
        allowed = board_gpus(chassis)
        if gpu.id not in allowed:
            return [f"The {chassis.name} board takes only {', '.join(allowed)}, not the {gpu.name}."]
        different = sorted({p.gpu.name for p in others if p.gpu.id != gpu.id})
        if different:
            return [f"A GPU board holds identical GPUs: it already has {', '.join(different)}."]
        if slot is None:
            if len(others) >= chassis.max_gpus:
                return [f"All {chassis.max_gpus} GPU sockets of the board are filled."]
            return []
        if not 1 <= slot <= chassis.max_gpus:
            return [f"The board has GPU sockets 1 to {chassis.max_gpus}; there is no socket {slot}."]
        if any(p.slot == slot for p in others):
            return [f"GPU socket {slot} is already filled."]
        return []
    if gpu.is_module:
        return [f"The {gpu.name} is an SXM/OAM module: it mounts on an HGX board, not in a PCIe slot. "
                f"Start an SXM server build for it."]
    if len(others) >= chassis.max_gpus:
        return [f"The {chassis.name} holds at most {chassis.max_gpus} GPUs."]
    if slot is None:
        return [] if _free_slot_ignoring(build, gpu, ignore) else [
            f"No {card_width(gpu)} free neighbouring slot positions are left for the {gpu.name}."]
    problem = slot_problem(build, gpu, slot, ignore)
    return [problem] if problem else []


def _free_slot_ignoring(build: "Build", gpu: parts.Gpu, ignore) -> int | None:
    chassis = build.chassis
    assert chassis is not None
    return next((s for s in range(1, chassis.slot_positions + 1)
                 if slot_problem(build, gpu, s, ignore) is None), None)


def _chassis_reasons(build: "Build", chassis: parts.Chassis) -> list[str]:
    reasons = []
    if chassis.kind not in CHASSIS_KINDS[build.kind]:
        reasons.append(f"The {chassis.name} is not a chassis for {KIND_WORDS[build.kind]} build.")
    platform = build.platform
    if platform is not None and platform.socket not in socket_list(chassis):
        reasons.append(f"The {chassis.name} does not take the {platform.socket} socket of the {platform.name}.")
    return reasons


def _platform_reasons(build: "Build", platform: parts.Platform) -> list[str]:
    chassis = build.chassis
    if chassis is not None and platform.socket not in socket_list(chassis):
        return [f"The {chassis.name} takes {', '.join(socket_list(chassis))} boards, not the "
                f"{platform.socket} socket of the {platform.name}."]
    return []


def _limit(build: "Build") -> int:
    return int(build.param("max_quantity"))


def item_reasons(build: "Build", section: str, part, quantity: int) -> list[str]:
    """Why one node cannot hold ``quantity`` of ``part`` (in ``section``)."""
    if quantity > _limit(build):
        return [f"{quantity} is more than the limit of {_limit(build)} for one line."]
    chassis, platform = build.chassis, build.platform
    if section == "psus" and chassis is not None:
        if part.form != chassis.psu_form:
            return [f"The {chassis.name} takes {PSU_FORMS.get(chassis.psu_form, chassis.psu_form)} power supplies; "
                    f"the {part.name} is not one."]
        if part.watts > chassis.max_psu_w:
            return [f"The {chassis.name} takes PSUs up to {chassis.max_psu_w:.0f} W, not {part.watts:.0f} W."]
        others = build.count("psus") - build.quantity(part.id)
        if others + quantity > chassis.psu_bays:
            return [f"The {chassis.name} has {chassis.psu_bays} PSU bays."]
    if section == "memory" and platform is not None:
        if platform.ecc_required and not (part.ecc and part.registered):
            return [f"The {platform.name} takes registered ECC DIMMs (RDIMM) only."]
        if part.memory_type.split()[0] != platform.memory_type.split()[0]:
            return [f"The {platform.name} takes {platform.memory_type}, not {part.memory_type}."]
        slots = platform.memory_channels * platform.dimms_per_channel
        others = build.count("memory") - build.quantity(part.id)
        if others + quantity > slots:
            return [f"The {platform.name} has {slots} DIMM slots."]
    if section == "network" and chassis is not None:
        others = build.count("network") - build.quantity(part.id)
        if others + quantity > chassis.nic_slots:
            return [f"The {chassis.name} has {chassis.nic_slots} slot(s) for network cards."]
    if section == "bridges":
        return _bridge_reasons(build, part, quantity)
    return []


def _bridge_reasons(build: "Build", bridge: parts.Bridge, quantity: int) -> list[str]:
    listed = [g.strip() for g in bridge.gpus.split(",")]
    counts = build.gpu_counts()
    best = max((counts[g] for g in listed), default=0)
    if best < bridge.ways:
        return [f"The {bridge.name} joins {bridge.ways} identical cards of {', '.join(listed)}; "
                f"the build has {best}."]
    if quantity * bridge.ways > best:
        return [f"{quantity} bridges of {bridge.ways} ways need {quantity * bridge.ways} identical cards; "
                f"the build has {best}."]
    return []


def check_place(build: "Build", kind: str, part, slot: int | None) -> tuple[int | None, list[str]]:
    """(slot it would go to, reasons it cannot) for placing one ``part`` of catalog ``kind``."""
    if kind == "gpus":
        reasons = gpu_reasons(build, part, slot)
        return (None, reasons) if reasons else (slot if slot is not None else free_slot(build, part), [])
    if kind == "chassis":
        return None, _chassis_reasons(build, part)
    if kind == "platforms":
        return None, _platform_reasons(build, part)
    if kind in ("psus", "memory", "storage", "network", "bridges", "services"):
        return None, item_reasons(build, kind, part, build.quantity(part.id) + 1)
    return None, [f"'{part.id}' is not a hardware part (it is in the {kind} list)."]


def quantity_reasons(build: "Build", kind: str, part, quantity: int) -> list[str]:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        return [f"A quantity is a whole number of 0 or more, not {quantity!r}."]
    if kind in ("chassis", "platforms"):
        return ["A build has one chassis and one platform; replace it instead."]
    if kind == "gpus":
        if quantity > _limit(build):
            return [f"{quantity} is more than the limit of {_limit(build)} for one line."]
        return _more_gpus_reasons(build, part, quantity - build.quantity(part.id))
    if kind in ("psus", "memory", "storage", "network", "bridges", "services"):
        return item_reasons(build, kind, part, quantity) if quantity else []
    return [f"'{part.id}' is not a hardware part."]


def _more_gpus_reasons(build: "Build", gpu: parts.Gpu, extra: int) -> list[str]:
    """Reasons ``extra`` more cards of ``gpu`` cannot be added (simulated on a scratch copy)."""
    if extra <= 0:
        return []
    from configurator.core.configuration.model import GpuPlacement  # cycle: the model imports this module

    saved = build._gpus
    build._gpus = list(saved)
    try:
        for _ in range(extra):
            reasons = gpu_reasons(build, gpu, None)
            if reasons:
                return reasons
            build._gpus.append(GpuPlacement(gpu, free_slot(build, gpu)))
        return []
    finally:
        build._gpus = saved
