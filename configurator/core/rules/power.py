"""Power: PSU capacity with headroom, PSU redundancy, bays and form, and the wall circuit.

The load of one node is the sum of the component ratings: GPU TDP (board power) x cards, CPU TDP,
the platform's base load (board, BMC, DIMMs, boot drives), the chassis' base load (fans, NVSwitch,
PCIe switches), NICs and drives. PSU capacity must cover that load (``psu_max_load_fraction``: else an
error) with the headroom ``psu_transient_factor`` (1.3, db/rule_params.csv: else a warning): GPUs
draw well above their TDP for milliseconds and the Intel ATX 3.x design guide only asks PSUs to ride
through 200 % excursions for 100 us; builders keep 25-40 % headroom. Redundant server PSUs count only
what is left when a unit (N+1) or a feed (N+N) fails; server PSUs on 100-127 V input deliver their
``watts_at_120v``. The draw at the wall is the load divided by ``psu_wall_efficiency``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from configurator.core import parts
from configurator.core.configuration import constraints
from configurator.core.rules.findings import Finding, error, info, warning
from configurator.present import count, watts

if TYPE_CHECKING:
    from configurator.core.configuration import Build

LOW_LINE_VOLTS = 200.0  # below this a circuit is "low line" (100-127 V): server PSUs derate


@dataclass(frozen=True)
class PowerBudget:
    """Per node, in watts."""

    gpu_w: float
    cpu_w: float
    base_w: float  # platform + chassis base loads
    devices_w: float  # NICs and drives
    psu_count: int
    psu_nameplate_w: float  # sum of the units at this input voltage
    psu_usable_w: float  # what is left after the redundancy the chassis is built for
    redundancy: str  # "none", "n+1", "n+n"
    low_line: bool
    wall_efficiency: float
    circuit: parts.Circuit | None

    @property
    def load_w(self) -> float:
        return self.gpu_w + self.cpu_w + self.base_w + self.devices_w

    @property
    def wall_w(self) -> float:
        return self.load_w / self.wall_efficiency


def _unit_watts(psu: parts.Psu, low_line: bool) -> float:
    return psu.watts_at_120v if low_line else psu.watts


def usable_capacity(units: list[float], redundancy: str) -> float:
    """Capacity left when the redundant share fails (worst case: the largest units fail)."""
    units = sorted(units)
    if len(units) < 2 or redundancy == "none":
        return sum(units)
    if redundancy == "n+1":
        return sum(units[:-1])
    if redundancy == "n+n":
        return sum(units[: len(units) // 2])
    return sum(units)


def power_budget(build: "Build") -> PowerBudget:
    platform, chassis, circuit = build.platform, build.chassis, build.circuit
    low_line = circuit is not None and circuit.volts < LOW_LINE_VOLTS
    units = [_unit_watts(i.part, low_line) for i in build.psus for _ in range(i.quantity)]
    redundancy = chassis.psu_redundancy if chassis else "none"
    return PowerBudget(
        gpu_w=sum(p.gpu.tdp_w for p in build.gpus),
        cpu_w=platform.cpu_tdp_w if platform else 0.0,
        base_w=(platform.base_load_w if platform else 0.0) + (chassis.base_load_w if chassis else 0.0),
        devices_w=sum(i.part.power_w * i.quantity for i in (*build.network, *build.storage)),
        psu_count=len(units),
        psu_nameplate_w=sum(units),
        psu_usable_w=usable_capacity(units, redundancy),
        redundancy=redundancy,
        low_line=low_line,
        wall_efficiency=build.param("psu_wall_efficiency"),
        circuit=circuit,
    )


def _psu_ids(build: "Build") -> list[str]:
    return [i.part.id for i in build.psus]


@dataclass(frozen=True)
class PsuFix:
    """A change within the catalog and the chassis that gives the load its headroom."""

    psu: parts.Psu
    count: int  # units after the change
    replace: bool  # True: every unit becomes ``psu``; False: ``count - current`` more of ``psu`` are added
    usable_w: float  # capacity after redundancy once the change is made


def _catalog_psus(build: "Build") -> list[parts.Psu]:
    """Every PSU of the catalog (a catalog that cannot list its parts offers none)."""
    lister = getattr(build.catalog, "list", None)
    return list(lister("psus")) if callable(lister) else []


MAX_EXTRA_PSUS = 16  # free bays tried when looking for a fix (more than any chassis of the catalog has)


def psu_fix(build: "Build", needed_w: float) -> PsuFix | None:
    """The smallest change that makes the usable PSU capacity reach ``needed_w``: first the same number of a
    larger unit the bays take, then more of the present unit in free bays (in pairs for N+N), then both; None
    when the catalog has no PSU and the chassis no bay that gets there (the server ships at its maximum), or
    when there is no chassis to ask. What fits is the constraints' answer (psu_form, psu_bays), not read here."""
    chassis = build.chassis
    if not build.psus or chassis is None:
        return None
    b = power_budget(build)
    current = max((i.part for i in build.psus), key=lambda p: _unit_watts(p, b.low_line))
    fits = sorted((p for p in _catalog_psus(build)
                   if constraints.psu_form(chassis, p) is None and _unit_watts(p, b.low_line) > 0),
                  key=lambda p: _unit_watts(p, b.low_line))
    larger = [p for p in fits if _unit_watts(p, b.low_line) > _unit_watts(current, b.low_line)]
    n = b.psu_count
    step = 2 if b.redundancy == "n+n" else 1
    present = [_unit_watts(i.part, b.low_line) for i in build.psus for _ in range(i.quantity)]

    def usable(unit: parts.Psu, units: int, keep: bool = False) -> float:
        """Capacity after redundancy with ``units`` PSUs: all ``unit``, or (keep) the present ones plus more."""
        added = [_unit_watts(unit, b.low_line)] * (units - n if keep else units)
        return usable_capacity((present if keep else []) + added, b.redundancy)

    more = [u for u in range(n + 1, n + MAX_EXTRA_PSUS + 1)  # N+N grows by pairs (one per feed)
            if u % step == 0 and constraints.psu_bays(chassis, u) is None]
    for psu in larger:  # same bays, bigger units
        if usable(psu, n) >= needed_w:
            return PsuFix(psu, n, True, usable(psu, n))
    if current in fits:
        for units in more:  # more of the present unit in free bays
            if usable(current, units, keep=True) >= needed_w:
                return PsuFix(current, units, False, usable(current, units, keep=True))
    for psu in larger:  # bigger units and more of them
        for units in more:
            if usable(psu, units) >= needed_w:
                return PsuFix(psu, units, True, usable(psu, units))
    return None


def fix_text(build: "Build", fix: PsuFix) -> str:
    """'use 2 x ATX 3.1 1600 W ... instead' / 'add 1 more ... in a free bay'."""
    n = build.count("psus")
    if not fix.replace:
        more = fix.count - n
        bays = count(more, "free bay")
        return (f"add {more} more {fix.psu.name} in {'a free bay' if more == 1 else bays} "
                f"({watts(fix.usable_w)} usable)")
    return f"use {fix.count} x {fix.psu.name} ({watts(fix.usable_w)} usable) instead"


def psu_headroom(build: "Build") -> Iterator[Finding]:
    if not build.psus:
        return
    b = power_budget(build)
    ids = _psu_ids(build)
    gpu_ids = [p.gpu.id for p in build.gpus]
    if b.low_line:
        dead = [i.part for i in build.psus if i.part.watts_at_120v <= 0]
        for psu in dead:
            yield error("PSU_HEADROOM", f"The {psu.name} needs 200-240 V input; it does not run on the "
                        f"{b.circuit.name} circuit.", psu.id)
    spare = {"n+1": " with one PSU failed", "n+n": " with one power feed lost"}.get(b.redundancy, "") \
        if b.psu_count >= 2 else ""
    limit = b.psu_usable_w * build.param("psu_max_load_fraction")
    factor = build.param("psu_transient_factor")
    needed = b.load_w * factor
    if b.load_w > limit:
        fix = psu_fix(build, b.load_w / build.param("psu_max_load_fraction"))
        if fix:
            advice = f"To fix it, {fix_text(build, fix)}, or choose fewer GPUs."
        elif build.chassis is None:
            advice = "Add or choose larger PSUs (the chassis' bays decide which), or fewer GPUs."
        else:
            advice = "No PSU in the catalog that this chassis takes carries it: choose fewer or smaller GPUs."
        yield error(
            "PSU_HEADROOM",
            f"The system draws about {watts(b.load_w)} at full load (GPUs {watts(b.gpu_w)}), but its power "
            f"supplies deliver {watts(b.psu_usable_w)}{spare}. {advice}",
            *ids, *gpu_ids, *((fix.psu.id,) if fix else ()))
    elif needed > b.psu_usable_w:
        # A warning only where the catalog has the fix (and it says which); a server that already holds the
        # largest unit its bays take in every bay ships that way (6 x 3 kW at 3+3 on HGX H100/H200): a note.
        fix = psu_fix(build, needed)
        said = (f"The power supplies deliver {watts(b.psu_usable_w)}{spare} for a full load of about "
                f"{watts(b.load_w)}: less than the {factor:g}x headroom GPUs need for their short power "
                f"spikes ({watts(needed)}).")
        if fix:
            yield warning("PSU_HEADROOM", f"{said} To fix it, {fix_text(build, fix)}.", *ids, fix.psu.id)
        elif build.chassis is None:
            yield warning("PSU_HEADROOM", f"{said} Choose the chassis: the PSUs its bays take decide the fix.", *ids)
        else:
            ships = " (as the server ships)" if build.chassis is not None and build.chassis.kind == "hgx" else ""
            yield info("PSU_HEADROOM", f"{said} Every PSU bay already holds the largest unit this chassis "
                       f"takes{ships}; no PSU in the catalog adds more.", *ids)


def psu_fit(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or not build.psus:
        return
    # Bays, form and rating are physical: constraints words them for placement and for this finding alike.
    found = [constraints.psu_bays(chassis, build.count("psus"), _psu_ids(build)),
             *(constraints.psu_form(chassis, item.part) for item in build.psus)]
    for p in filter(None, found):
        yield error(p.code, p.text, *p.parts)
    if len(build.psus) > 1 and chassis.psu_redundancy != "none":
        yield warning("PSU_REDUNDANCY", "Redundant power supplies should be identical units; this build mixes "
                      f"{', '.join(i.part.name for i in build.psus)}.", *_psu_ids(build))


def psu_redundancy(build: "Build") -> Iterator[Finding]:
    chassis = build.chassis
    if chassis is None or not build.psus or chassis.psu_redundancy == "none":
        return
    count = build.count("psus")
    mode = chassis.psu_redundancy.upper()
    if count < 2:
        yield warning("PSU_REDUNDANCY", f"The {chassis.name} is built for {mode} redundant power supplies, but the "
                      f"build has only {count}: one PSU failure stops the server.", chassis.id, *_psu_ids(build))
    elif chassis.psu_redundancy == "n+n" and count % 2:
        yield warning("PSU_REDUNDANCY", f"N+N redundancy splits the power supplies over two feeds: use an even "
                      f"number (the build has {count}).", chassis.id, *_psu_ids(build))


def _catalog_circuits(build: "Build") -> list[parts.Circuit]:
    lister = getattr(build.catalog, "list", None)
    return list(lister("circuits")) if callable(lister) else []


def larger_circuit(build: "Build", wall_w: float) -> parts.Circuit | None:
    """The smallest catalog circuit (db/circuits.csv) that carries ``wall_w`` continuously, or None."""
    carries = [c for c in _catalog_circuits(build) if c.continuous_w >= wall_w]
    return min(carries, key=lambda c: (c.continuous_w, c.id), default=None)


def wall_circuit(build: "Build") -> Iterator[Finding]:
    if not build.gpus and build.platform is None:
        return
    b = power_budget(build)
    circuit = b.circuit
    if circuit is None:
        return
    if b.wall_w > circuit.continuous_w:
        what = "each node" if build.nodes > 1 else "the system"
        better = larger_circuit(build, b.wall_w)
        split = "split the PSUs over separate circuits, " if b.psu_count >= 2 else ""
        if better is not None:
            advice = (f"Use a {better.name} circuit ({watts(better.continuous_w)} continuous), {split}"
                      f"or reduce the GPUs.")
        else:
            advice = (f"No circuit in the catalog carries that alone: {split}"
                      f"{'or ' if split else ''}reduce the GPUs.")
        yield error(
            "WALL_CIRCUIT",
            f"At full load {what} draws about {watts(b.wall_w)} from the wall; a {circuit.name} circuit carries "
            f"{watts(circuit.continuous_w)} continuously ({watts(circuit.peak_w)} peak). {advice}",
            circuit.id, *[p.gpu.id for p in build.gpus], *_psu_ids(build), *((better.id,) if better else ()))


RULES = [psu_headroom, psu_fit, psu_redundancy, wall_circuit]
