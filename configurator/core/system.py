"""The hardware a workload runs on, as the sizing core sees it (built from a Build or the CLI).

Topology as it is wired (SIZING.md 4): SXM/OAM modules share one switched fabric (NVLink, Infinity Fabric);
an NVLink bridge on PCIe cards joins a pair (or a set of four), and a ring over more cards than one bridge set
crosses PCIe; GeForce cards have no peer-to-peer over PCIe, so their traffic is staged through host memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from configurator.core.parts import Gpu


@dataclass(frozen=True)
class Link:
    """A data path between GPUs. Bandwidth is achieved bytes/s per GPU in one direction."""

    name: str  # "NVLink4", "NVLink5", "PCIe Gen4 x16", "PCIe Gen5 x16", "InfiniBand NDR", ...
    bandwidth_gb_s: float  # per GPU, per direction, achieved (SIZING.md 4)
    latency_us: float  # per collective step (alpha)


# SIZING.md section 4. NVLink figures are per GPU per direction (900 GB/s bidirectional -> 450).
NVLINK3 = Link("NVLink3", 300.0, 3.0)
NVLINK4 = Link("NVLink4", 450.0, 3.0)
NVLINK5 = Link("NVLink5", 900.0, 3.0)
INFINITY_FABRIC = Link("Infinity Fabric", 448.0, 4.0)  # MI300X: 896 GB/s bidirectional over 7 links
NVLINK_BRIDGE_600 = Link("NVLink bridge", 300.0, 4.0)  # 600 GB/s pairs (A100/H100 PCIe)
NVLINK_BRIDGE_900 = Link("NVLink bridge", 450.0, 4.0)  # H200 NVL bridge
PCIE4 = Link("PCIe Gen4 x16", 25.0, 10.0)  # ~25 GB/s achieved per direction
PCIE5 = Link("PCIe Gen5 x16", 50.0, 10.0)  # ~50 GB/s achieved per direction
# GeForce cards: no peer-to-peer over PCIe, so NCCL stages every transfer through host memory (its SHM
# transport): one extra copy per hop. Assumption: half the PCIe rate and a 20 us step (not a measurement).
PCIE4_HOST = Link("PCIe Gen4 x16 via host memory (no peer-to-peer)", 12.5, 20.0)
PCIE5_HOST = Link("PCIe Gen5 x16 via host memory (no peer-to-peer)", 25.0, 20.0)
IB_HDR = Link("InfiniBand HDR 200 Gb/s", 25.0, 5.0)  # per NIC (A100-era clusters)
IB_NDR = Link("InfiniBand NDR 400 Gb/s", 50.0, 5.0)  # per NIC
IB_XDR = Link("InfiniBand XDR 800 Gb/s", 100.0, 5.0)
ETH_400G = Link("400GbE (RoCE)", 50.0, 8.0)

BRIDGE_LATENCY_US = 4.0


@dataclass(frozen=True)
class SystemSpec:
    gpu: Gpu
    gpus_per_node: int = 1
    nodes: int = 1
    intra_link: Link = PCIE5  # the link that bounds a ring over every GPU of one node
    inter_link: Link | None = None  # per NIC; None for a single node
    nics_per_node: int = 0
    bridge_link: Link | None = None  # NVLink bridge joining ``bridge_ways`` neighbouring cards
    bridge_ways: int = 0  # cards one bridge set joins (2 or 4); 0 without bridges

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_node * self.nodes

    def ring_link(self, size: int) -> Link:
        """The link that bounds a ring over ``size`` neighbouring GPUs of one node: the bridge when the whole
        group sits inside one bridge set, otherwise the node's link (PCIe past the bridge pair)."""
        if self.bridge_link is not None and 1 < size <= self.bridge_ways:
            return self.bridge_link
        return self.intra_link


def has_p2p(gpu: Gpu) -> bool:
    """GeForce cards have no peer-to-peer over PCIe (NVIDIA disables it on consumer boards)."""
    return not (gpu.vendor.upper() == "NVIDIA" and "geforce" in gpu.name.lower())


def bridge_link(gpu: Gpu) -> Link | None:
    """The NVLink bridge of a bridge-capable card, from its ``nvlink`` text (bidirectional GB/s, halved):
    H100 PCIe 600 -> 300 per direction, H200 NVL 900 -> 450, RTX A6000 / RTX 3090 112.5 -> 56."""
    if not gpu.bridge_capable:
        return None
    found = re.search(r"(\d+(?:\.\d+)?)\s*GB/s", gpu.nvlink)
    if not found:
        return NVLINK_BRIDGE_900 if "900" in gpu.nvlink else NVLINK_BRIDGE_600
    return Link("NVLink bridge", float(found.group(1)) / 2.0, BRIDGE_LATENCY_US)


def pcie_link(gpu: Gpu) -> Link:
    if not has_p2p(gpu):
        return PCIE5_HOST if gpu.pcie_gen >= 5 else PCIE4_HOST
    return PCIE5 if gpu.pcie_gen >= 5 else PCIE4


def default_intra_link(gpu: Gpu, bridged: bool = False, gpus: int = 2, ways: int = 2) -> Link:
    """The link that bounds a ring over ``gpus`` GPUs of one node of this type.

    Modules: their NVLink / Infinity Fabric generation. PCIe cards: the NVLink bridge when ``bridged`` and the
    ring fits inside one bridge set of ``ways`` cards, else PCIe (through host memory on GeForce cards).
    """
    nv = gpu.nvlink.lower()
    if gpu.is_module:
        if nv.startswith("nvlink5"):
            return NVLINK5
        if nv.startswith("nvlink4"):
            return NVLINK4
        if nv.startswith("nvlink3"):
            return NVLINK3
        if "infinity" in nv:
            return INFINITY_FABRIC
    bridge = bridge_link(gpu) if bridged else None
    if bridge is not None and gpus <= ways:
        return bridge
    return pcie_link(gpu)


def node_system(gpu: Gpu, gpus_per_node: int = 1, nodes: int = 1, bridged: bool = False, bridge_ways: int = 2,
                inter_link: Link | None = None, nics_per_node: int = 0,
                bridge_bandwidth_gb_s: float | None = None) -> SystemSpec:
    """A SystemSpec wired as built: ``bridged`` PCIe cards are joined in sets of ``bridge_ways`` (a bridge part's
    ``bandwidth_gb_s``, both directions, overrides the card's figure)."""
    bridge = bridge_link(gpu) if bridged else None
    if bridge is not None and bridge_bandwidth_gb_s:
        bridge = Link("NVLink bridge", float(bridge_bandwidth_gb_s) / 2.0, BRIDGE_LATENCY_US)
    ways = bridge_ways if bridge is not None else 0
    intra = bridge if (bridge is not None and not gpu.is_module and gpus_per_node <= ways) else \
        default_intra_link(gpu, False, gpus_per_node)
    return SystemSpec(gpu, gpus_per_node=gpus_per_node, nodes=nodes, intra_link=intra, inter_link=inter_link,
                      nics_per_node=nics_per_node, bridge_link=bridge if not gpu.is_module else None,
                      bridge_ways=ways if not gpu.is_module else 0)
