"""A build as the sizing core sees it: GPU type, GPUs per node, nodes and the links between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from configurator.core import parts
from configurator.core.errors import InvalidInputError
from configurator.core.system import ETH_400G, IB_NDR, IB_XDR, Link, SystemSpec, node_system

if TYPE_CHECKING:
    from configurator.core.configuration.model import Build

# Per-NIC latency per collective step (alpha), as for the named links in core/system.py.
_LATENCY_US = {"infiniband": 5.0, "ethernet": 8.0}


def nic_link(nic: parts.Nic) -> Link:
    """The inter-node link one NIC gives: the named SIZING.md links where they match, else its line rate."""
    if nic.fabric == "infiniband" and nic.speed_gbps == 400 and nic.ports == 1:
        return IB_NDR
    if nic.fabric == "infiniband" and nic.speed_gbps == 800 and nic.ports == 1:
        return IB_XDR
    if nic.fabric == "ethernet" and nic.speed_gbps == 400 and nic.ports == 1:
        return ETH_400G
    # Gb/s over all ports, capped by what the controller carries (Nic.total_gbps: two 100 GbE ports on an
    # E810-CQDA2 are 100 Gb/s in all) -> GB/s per NIC.
    gb_s = nic.total_gbps / 8.0
    return Link(nic.name, gb_s, _LATENCY_US.get(nic.fabric, 8.0))


def fabric_nics(build: "Build") -> list[tuple[parts.Nic, int]]:
    """The NICs fast enough to join nodes (db/rule_params fabric_nic_min_gbps), fastest first."""
    floor = build.param("fabric_nic_min_gbps")
    found = [(i.part, i.quantity) for i in build.network if i.part.total_gbps >= floor]
    return sorted(found, key=lambda t: -t[0].total_gbps)


def to_system_spec(build: "Build") -> SystemSpec:
    """SystemSpec for the sizing core. The most numerous GPU type stands for the node (a mixed build
    gets a GPU_MIX finding)."""
    counts = build.gpu_counts()
    if not counts:
        raise InvalidInputError("the build has no GPU to size the workload on")
    gpu_id = counts.most_common(1)[0][0]
    gpu = next(p.gpu for p in build.gpus if p.gpu.id == gpu_id)
    # NVLink bridges join the cards in sets of the bridge's ways (pairs, or four on H200 NVL); a ring over
    # more cards than one set crosses PCIe (core/system.py).
    bridges = [i.part for i in build.bridges if gpu_id in [g.strip() for g in i.part.gpus.split(",")]]
    widest = max(bridges, key=lambda b: b.ways) if bridges else None
    nics = fabric_nics(build)
    inter = nic_link(nics[0][0]) if nics and build.nodes > 1 else None
    nics_per_node = nics[0][1] if nics else 0
    return node_system(
        gpu, build.gpus_per_node, build.nodes, bridged=widest is not None,
        bridge_ways=widest.ways if widest else 2, inter_link=inter, nics_per_node=nics_per_node,
        bridge_bandwidth_gb_s=widest.bandwidth_gb_s if widest else None,
    )
