"""Power connectors and the phases of the wall circuit.

- POWER_CONNECTORS (error): the 12V-2x6 / 8-pin GPU cables of the build's ATX power supplies (db/psus.csv) against
  what its cards take (db/gpu_fit.csv); a physical constraint (``constraints.psu_connectors``).
- POWER_PHASE (error): a multi-PSU server that draws more than its single-phase circuit carries: it needs a
  three-phase feed, or one such circuit per PSU pair (the finding says how many and the load on each). The draw at
  the wall is the power rules' (``power.power_budget``); the circuit is the build's (``Build.circuit``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration import constraints as c
from configurator.core.configuration import fixes
from configurator.core.rules.findings import Finding, error
from configurator.present import count, watts

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def power_connectors(build: "Build") -> Iterator[Finding]:
    if not build.psus or not build.gpus:
        return
    p = c.psu_connectors([(i.part, i.quantity) for i in build.psus],
                         [(g.gpu, fixes.gpu_fit(build, g.gpu)) for g in build.gpus])
    if p is not None:
        yield error(p.code, p.text, *p.parts)


def _three_phase(circuit) -> bool:
    return bool(getattr(circuit, "three_phase", False))


def _three_phase_option(build: "Build", wall_w: float):
    listing = getattr(build.catalog, "list", None)
    if listing is None:
        return None
    found = [ci for ci in listing("circuits") if _three_phase(ci) and ci.continuous_w >= wall_w]
    return min(found, key=lambda ci: (ci.continuous_w, ci.id)) if found else None


def power_phase(build: "Build") -> Iterator[Finding]:
    from configurator.core.rules.power import power_budget  # the power rules' load and wall draw

    chassis, circuit = build.chassis, build.circuit
    psus = build.count("psus")
    if chassis is None or circuit is None or _three_phase(circuit) or psus < 2 or chassis.kind == "tower":
        return
    wall = power_budget(build).wall_w
    if wall <= circuit.continuous_w:
        return
    pairs = psus // 2
    per_circuit = wall / pairs
    three = _three_phase_option(build, wall)
    options = []
    if three is not None:
        options.append(f"a three-phase feed ({three.name}: {watts(three.continuous_w)} continuous)")
    if per_circuit <= circuit.continuous_w:
        options.append(f"one {circuit.name} circuit per PSU pair ({count(pairs, 'circuit')} of about "
                       f"{watts(per_circuit)} each)")
    else:
        need = math.ceil(wall / circuit.continuous_w)
        options.append(f"at least {count(need, 'circuit')} of this kind, the PSUs split evenly over them")
    what = "Each node" if build.nodes > 1 else "The server"
    yield error("POWER_PHASE", f"{what} draws about {watts(wall)} from the wall over {count(psus, 'PSU')}; one "
                f"single-phase {circuit.name} circuit carries {watts(circuit.continuous_w)}. Feed it from "
                f"{' or '.join(options)}.", circuit.id, chassis.id, *(i.part.id for i in build.psus),
                *([three.id] if three is not None else []))


RULES = [power_connectors, power_phase]
