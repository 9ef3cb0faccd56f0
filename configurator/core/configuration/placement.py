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
from configurator.core.configuration import fixes, lanes
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
    """Why a card of this GPU cannot start at ``slot`` in the current chassis (None: it fits): the positions it
    covers, a slot connector to start in, the board slots the build's network cards still need, and the spacing of
    the NVLink bridges the build has."""
    chassis = build.chassis
    assert chassis is not None
    others = [(p.gpu, p.slot) for p in build.gpus if p is not ignore]
    after = [*others, (gpu, slot)]
    problem = (c.card_slot(chassis, gpu, slot, others)
               or c.card_connector(chassis, gpu, slot, lanes.connector_positions(build))
               or c.nic_room(chassis, build.count("network"), lanes.free_board_slots(build, after))
               or _new_spacing_problem(build, others, after))
    return problem.text if problem else None


def _bridge_lines(build: "Build", part=None, quantity: int | None = None) -> list[tuple[parts.Bridge, int]]:
    """The build's bridge lines, with ``part``'s quantity set to ``quantity`` (added when absent)."""
    lines = [(i.part, i.quantity) for i in build.bridges if part is None or i.part.id != part.id]
    if part is not None and quantity:
        lines.append((part, quantity))
    return lines


def _spacing(lines, cards) -> c.Problem | None:
    return next(filter(None, (c.bridge_spacing(b, g, s) for b, g, s in c.bridge_groups(lines, cards))), None)


def _new_spacing_problem(build: "Build", before, after) -> c.Problem | None:
    """A bridge spacing problem the card would cause (one the build already has is not this card's)."""
    lines = _bridge_lines(build)
    if not lines:
        return None
    problem = _spacing(lines, after)
    return problem if problem is not None and _spacing(lines, before) is None else None


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
    first = (c.module_in_pcie(gpu) or c.gpu_limit(chassis, n)
             or c.gpu_airflow(chassis, gpu, fixes.cooled_alternative(build, gpu)))
    if first:
        return _texts(first)
    if slot is None:
        return [] if _free_slot_ignoring(build, gpu, ignore) else _texts(c.no_room(chassis, gpu))
    problem = slot_problem(build, gpu, slot, ignore)
    return [problem] if problem else []


def _chassis_reasons(build: "Build", chassis: parts.Chassis) -> list[str]:
    platform = build.platform
    return _texts(c.chassis_kind(build.kind, chassis),
                  (c.platform_socket(chassis, platform)
                   or c.platform_class(chassis, platform, fixes.host_platforms(build, chassis)))
                  if platform is not None else None)


def _platform_reasons(build: "Build", platform: parts.Platform) -> list[str]:
    chassis = build.chassis
    if chassis is None:
        return []
    return _texts(c.platform_socket(chassis, platform)
                  or c.platform_class(chassis, platform, fixes.host_platforms(build, chassis)))


def _limit(build: "Build") -> int:
    return int(build.param("max_quantity"))


def item_reasons(build: "Build", section: str, part, quantity: int) -> list[str]:
    """Why one node cannot hold ``quantity`` of ``part`` (in ``section``)."""
    if quantity > _limit(build):
        return [f"{quantity} is more than the limit of {_limit(build)} for one line."]
    chassis, platform = build.chassis, build.platform
    total = build.count(section) - build.quantity(part.id) + quantity  # of the section, with this line changed
    if section == "psus" and chassis is not None:
        return _texts(c.psu_form(chassis, part) or c.psu_bays(chassis, total) or _fewer_connectors(build, part, quantity))
    if section == "memory" and platform is not None:
        return _texts(c.dimm_kind(platform, part) or c.dimm_slots(platform, total))
    if section == "network" and chassis is not None:
        return _texts(c.nic_slots(chassis, total) or c.nic_room(chassis, total, lanes.free_board_slots(build)))
    if section == "storage":
        drives = [i.part for i in build.storage if i.part.id != part.id for _ in range(i.quantity)]
        after = [*drives, *([part] * quantity)]
        return _texts(c.drive_bays(chassis, platform, after, fixes.drive_alternative(build, after)))
    if section == "bridges":
        cards = [p.gpu for p in build.gpus]
        lines = _bridge_lines(build, part, quantity)
        return _texts(c.bridge_no_nvlink(part, cards) or c.bridge_cards(part, quantity, build.gpu_counts())
                      or c.bridge_sets(lines, cards, fixes.nvlink_connectors(build))
                      or (None if build.on_board else _spacing(lines, [(p.gpu, p.slot) for p in build.gpus])))
    return []


def _fewer_connectors(build: "Build", part, quantity: int) -> c.Problem | None:
    """Fewer PSUs than now must still give the cards their power cables (adding PSUs is never refused for it)."""
    if quantity >= build.quantity(part.id):
        return None
    psus = [(i.part, i.quantity) for i in build.psus if i.part.id != part.id] + [(part, quantity)]
    return c.psu_connectors(psus, [(p.gpu, fixes.gpu_fit(build, p.gpu)) for p in build.gpus])


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
