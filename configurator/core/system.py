"""The hardware a workload runs on, as the sizing core sees it (built from a Build or the CLI)."""

from __future__ import annotations

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
IB_NDR = Link("InfiniBand NDR 400 Gb/s", 50.0, 5.0)  # per NIC
IB_XDR = Link("InfiniBand XDR 800 Gb/s", 100.0, 5.0)
ETH_400G = Link("400GbE (RoCE)", 50.0, 8.0)


@dataclass(frozen=True)
class SystemSpec:
    gpu: Gpu
    gpus_per_node: int = 1
    nodes: int = 1
    intra_link: Link = PCIE5
    inter_link: Link | None = None  # per NIC; None for a single node
    nics_per_node: int = 0

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_node * self.nodes


def default_intra_link(gpu: Gpu, bridged: bool = False) -> Link:
    """The GPU-to-GPU path inside one node for this GPU type."""
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
    if bridged and gpu.bridge_capable:
        return NVLINK_BRIDGE_900 if "900" in nv else NVLINK_BRIDGE_600
    return PCIE5 if gpu.pcie_gen >= 5 else PCIE4
