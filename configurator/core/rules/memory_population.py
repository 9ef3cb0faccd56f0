"""The speed the memory really runs at (MEMORY_SPEED, warning), from the DIMM population (``configuration.lanes``):
two DIMMs per channel, 4-rank (3DS) modules or a mix of ranks slow every channel below the platform's rated
speed. The finding states the speed and, where the catalog has one, the module that keeps the capacity at one
DIMM per channel. (The modules' own rating alone is not a finding: the DIMM diagram shows it.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration.lanes import bigger_module, dimm_population
from configurator.core.rules.findings import Finding, warning
from configurator.present import count

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def memory_speed(build: "Build") -> Iterator[Finding]:
    platform = build.platform
    if platform is None or not build.memory:
        return
    pop = dimm_population(build)
    if pop.speed_mts is None or pop.rated_mts is None:
        return
    ids = [platform.id, *(i.part.id for i in build.memory)]
    n = build.count("memory")
    if pop.limited_by_population:
        gen = build.memory[0].part.generation
        why = " and ".join(lim for lim in pop.limits if not lim.endswith("modules"))
        fix = ""
        fullest = max(ch.count for ch in pop.channels)
        if fullest > 1 and len(build.memory) == 1:
            bigger = bigger_module(build, build.memory[0].part, fullest)
            if bigger is not None:
                fix = (f" {n // fullest} x {bigger.name} keep the capacity at one DIMM per channel and run at "
                       f"full speed.")
                ids.append(bigger.id)
        yield warning("MEMORY_SPEED", f"The {count(n, 'DIMM')} run at {gen}-{pop.speed_mts} ({why}) on the "
                      f"{platform.name}, below its {gen}-{pop.rated_mts}.{fix}", *ids)
    elif pop.mixed_ranks:
        yield warning("MEMORY_SPEED", f"The DIMMs mix {' and '.join(sorted({f'{i.part.ranks}-rank' for i in build.memory}))} "
                      f"modules: every channel runs at the slowest module's timing ({pop.speed_mts} MT/s) and the "
                      f"board may not train the mix. Use identical modules.", *ids)


RULES = [memory_speed]
