"""System memory: DIMM slots and channel population, identical DIMMs, ECC RDIMM, capacity vs VRAM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from configurator.core.configuration import constraints
from configurator.core.rules.findings import Finding, error, warning

if TYPE_CHECKING:
    from configurator.core.configuration import Build


def _ids(build: "Build") -> list[str]:
    return [i.part.id for i in build.memory]


def ram_gb(build: "Build") -> float:
    """System memory of one node, GB."""
    return float(sum(i.part.capacity_gb * i.quantity for i in build.memory))


def vram_gb(build: "Build") -> float:
    """GPU memory of one node, GB."""
    return float(sum(p.gpu.memory_gb for p in build.gpus))


def dimm_population(build: "Build") -> Iterator[Finding]:
    platform = build.platform
    if platform is None or not build.memory:
        return
    dimms = build.count("memory")
    channels = platform.memory_channels
    too_many = constraints.dimm_slots(platform, dimms, _ids(build))  # physical: worded as placement says it
    if too_many:
        yield error(too_many.code, too_many.text, *too_many.parts)
    elif dimms % channels:
        yield warning("DIMM_BALANCE", f"{dimms} DIMMs on the {channels} memory channels of the {platform.name} leave "
                      f"the channels unevenly filled, which lowers memory bandwidth. Use a multiple of {channels} "
                      f"identical DIMMs.", platform.id, *_ids(build))
    if len(build.memory) > 1:
        yield warning("DIMM_MIX", "Mixing DIMM types (" + ", ".join(i.part.name for i in build.memory) + ") runs "
                      "all memory at the slowest module's speed and may not train at all: use identical DIMMs.",
                      *_ids(build))


def dimm_type(build: "Build") -> Iterator[Finding]:
    platform = build.platform
    if platform is None:
        return
    for p in filter(None, (constraints.dimm_kind(platform, item.part) for item in build.memory)):
        yield error(p.code, p.text, *p.parts)  # generation and ECC are physical: constraints words them
    total = ram_gb(build)
    if total > platform.max_memory_gb:
        yield error("MEMORY_CAPACITY", f"The build has {total:,.0f} GB of memory; the {platform.name} takes at most "
                    f"{platform.max_memory_gb:,} GB.", platform.id, *_ids(build))


def ram_vs_vram(build: "Build") -> Iterator[Finding]:
    if not build.memory or not build.gpus:
        return
    ram, vram = ram_gb(build), vram_gb(build)
    recommended = build.param("ram_vs_vram_ratio_recommended")
    minimum = build.param("ram_vs_vram_min_ratio")
    ids = [*_ids(build), *build.gpu_counts()]
    if ram < minimum * vram:
        yield warning("RAM_VS_VRAM", f"System memory ({ram:,.0f} GB) is less than the GPU memory ({vram:,.0f} GB): "
                      f"models cannot be staged in system memory and nothing can be offloaded to the CPU. About "
                      f"{recommended:g}x the GPU memory ({recommended * vram:,.0f} GB) is recommended.", *ids)
    elif ram < recommended * vram:
        yield warning("RAM_VS_VRAM", f"System memory ({ram:,.0f} GB) is below the recommended {recommended:g}x the GPU "
                      f"memory ({recommended * vram:,.0f} GB) for loading checkpoints and pinned buffers.", *ids)


RULES = [dimm_population, dimm_type, ram_vs_vram]
