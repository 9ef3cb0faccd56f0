"""Can this part go there? The checks behind ``Build.place`` and the drag-and-drop hover text.

Each reason is a sentence for the person dragging. Only what would make the drop physically
impossible is refused here; what is possible but unwise (power, airflow, mixing) is left to the
rules, which report it as findings. Every physical constraint and its sentence comes from
``constraints``, which the rules call too: a refused drop and the finding on a build holding the same
fault read the same. This module only decides which constraints apply to the part being placed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from configurator.core import parts
from configurator.core.configuration import constraints as c
from configurator.core.configuration.constraints import (  # noqa: F401 (the public names callers import here)
    CHASSIS_KINDS, KIND_WORDS, PSU_FORMS, board_gpus, card_width, socket_list,
)

if TYPE_CHECKING:
    from configurator.core.configuration.model import Build, GpuPlacement


def positions(p: "GpuPlacement") -> range:
    """Slot positions a PCIe card covers (empty when it has no slot)."""
    return c.covered(p.gpu, p.slot)


def _texts(*problems: c.Problem | None) -> list[str]:
    return [p.text for p in problems if p is not None]


def slot_problem(build: "Build", gpu: parts.Gpu, slot: int, ignore=None) -> str | None:
    """Why a card of this GPU cannot start at ``slot`` in the current chassis (None: it fits)."""
    assert build.chassis is not None
    others = [(p.gpu, p.slot) for p in build.gpus if p is not ignore]
    problem = c.card_slot(build.chassis, gpu, slot, others)
    return problem.text if problem else None


def free_slot(build: "Build", gpu: parts.Gpu) -> int | None:
    """First position (or socket) where one more card of ``gpu`` fits."""
    return _free_slot_ignoring(build, gpu, None)


def _free_slot_ignoring(build: "Build", gpu: parts.Gpu, ignore) -> int | None:
    chassis = build.chassis
    if chassis is None:
        return None
    if build.on_board:
        used = {p.slot for p in build.gpus if p is not ignore}
        return next((s for s in c.board_sockets(chassis) if s not in used), None)
    return next((s for s in c.slot_starts(chassis) if slot_problem(build, gpu, s, ignore) is None), None)


def gpu_reasons(build: "Build", gpu: parts.Gpu, slot: int | None, ignore=None) -> list[str]:
    chassis = build.chassis
    if not gpu.sellable:
        return [f"The {gpu.name} is a reference GPU for calibration only; it is not sold."]
    if chassis is None:
        return ["Choose a chassis first: where GPUs go depends on it."]
    others = [p for p in build.gpus if p is not ignore]
    n = len(others) + 1
    if build.on_board:
        first = (c.card_on_board(gpu) or c.board_model(chassis, gpu) or c.board_mix([gpu, *(p.gpu for p in others)]))
        if first:
            return _texts(first)
        if slot is None:
            return _texts(c.board_capacity(chassis, n))
        return _texts(c.board_socket(chassis, gpu, slot, (p.slot for p in others)))
    first = c.module_in_pcie(gpu) or c.gpu_limit(chassis, n)
    if first:
        return _texts(first)
    if slot is None:
        return [] if _free_slot_ignoring(build, gpu, ignore) else _texts(c.no_room(chassis, gpu))
    problem = slot_problem(build, gpu, slot, ignore)
    return [problem] if problem else []


def _chassis_reasons(build: "Build", chassis: parts.Chassis) -> list[str]:
    platform = build.platform
    return _texts(c.chassis_kind(build.kind, chassis),
                  c.platform_socket(chassis, platform) if platform is not None else None)


def _platform_reasons(build: "Build", platform: parts.Platform) -> list[str]:
    chassis = build.chassis
    return _texts(c.platform_socket(chassis, platform)) if chassis is not None else []


def _limit(build: "Build") -> int:
    return int(build.param("max_quantity"))


def item_reasons(build: "Build", section: str, part, quantity: int) -> list[str]:
    """Why one node cannot hold ``quantity`` of ``part`` (in ``section``)."""
    if quantity > _limit(build):
        return [f"{quantity} is more than the limit of {_limit(build)} for one line."]
    chassis, platform = build.chassis, build.platform
    total = build.count(section) - build.quantity(part.id) + quantity  # of the section, with this line changed
    if section == "psus" and chassis is not None:
        return _texts(c.psu_form(chassis, part) or c.psu_bays(chassis, total))
    if section == "memory" and platform is not None:
        return _texts(c.dimm_kind(platform, part) or c.dimm_slots(platform, total))
    if section == "network" and chassis is not None:
        return _texts(c.nic_slots(chassis, total))
    if section == "bridges":
        return _texts(c.bridge_cards(part, quantity, build.gpu_counts()))
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
