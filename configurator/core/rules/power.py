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
from configurator.core.rules.findings import Finding, error, warning
from configurator.present import watts

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
    if b.load_w > limit:
        yield error(
            "PSU_HEADROOM",
            f"The system draws about {watts(b.load_w)} at full load (GPUs {watts(b.gpu_w)}), but its power "
            f"supplies deliver {watts(b.psu_usable_w)}{spare}. Add or choose larger PSUs, or fewer GPUs.",
            *ids, *gpu_ids)
    elif b.load_w * factor > b.psu_usable_w:
        yield warning(
            "PSU_HEADROOM",
            f"The power supplies deliver {watts(b.psu_usable_w)}{spare} for a full load of about "
            f"{watts(b.load_w)}: less than the {factor:g}x headroom GPUs need for their short power "
            f"spikes ({watts(b.load_w * factor)}). Consider larger PSUs.",
            *ids)


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


def wall_circuit(build: "Build") -> Iterator[Finding]:
    if not build.gpus and build.platform is None:
        return
    b = power_budget(build)
    circuit = b.circuit
    if circuit is None:
        return
    if b.wall_w > circuit.continuous_w:
        what = "each node" if build.nodes > 1 else "the system"
        yield error(
            "WALL_CIRCUIT",
            f"At full load {what} draws about {watts(b.wall_w)} from the wall; a {circuit.name} circuit carries "
            f"{watts(circuit.continuous_w)} continuously ({watts(circuit.peak_w)} peak). Use a higher-rated "
            f"(e.g. 240 V) circuit, split the PSUs over separate circuits, or reduce the GPUs.",
            circuit.id, *[p.gpu.id for p in build.gpus], *_psu_ids(build))


RULES = [psu_headroom, psu_fit, psu_redundancy, wall_circuit]
