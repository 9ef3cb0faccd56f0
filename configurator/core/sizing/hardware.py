"""Hardware side of the formulas: usable capacity, parallel layout, link bandwidths and collective times.

SIZING.md 2 (capacity) and 4 (NCCL-tests conventions: all-reduce 2 (n-1)/n x bytes / bus bandwidth,
reduce-scatter / all-gather (n-1)/n x bytes / bandwidth).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import Engine, EngineEfficiency, Gpu
from configurator.core.system import IB_NDR, Link, SystemSpec
from configurator.core.units import GB, GIB, US

RUNTIME_RESERVE_BYTES = 0.75 * GIB  # CUDA/ROCm context + runtime workspace per GPU (SIZING.md 2: 0.5-1 GiB)
ACT_BYTES = 2.0  # activations travel between GPUs in 16-bit
# Engines whose memory fraction applies to the memory FREE after weights and buffers (db/engines.csv notes).
FREE_FRACTION_ENGINES = frozenset({"trtllm"})


def capacity_bytes(gpu: Gpu) -> float:
    """Marketed GB treated as GiB visible to the driver (an 80 GB H100 shows ~79.6 GiB; we use 80 GiB)."""
    return float(gpu.memory_gb) * GIB


def validate_system(system: SystemSpec) -> None:
    if system.gpus_per_node < 1 or system.nodes < 1:
        raise InvalidInputError("a build needs at least one GPU per node and one node")
    if system.gpu.memory_gb <= 0 or system.gpu.bandwidth_tb_s <= 0:
        raise InvalidInputError(f"GPU '{system.gpu.id}' has no memory or bandwidth figure")


def inter_node(system: SystemSpec) -> tuple[Link, int]:
    """The inter-node link and NICs per node; a multi-node build without one is assumed InfiniBand NDR,
    one NIC per GPU (the usual SXM server layout)."""
    if system.inter_link is not None and system.nics_per_node > 0:
        return system.inter_link, system.nics_per_node
    return IB_NDR, system.gpus_per_node


def ring_path(system: SystemSpec, n_gpus) -> tuple[np.ndarray, np.ndarray]:
    """(bus bandwidth bytes/s per GPU, latency s per step) of a ring over ``n_gpus`` GPUs of this build type.

    Within one node: the intra-node link. Across nodes: the slower of the intra-node link and the node's NICs
    shared by its GPUs (inter_link x nics / gpus per node): the slower path bounds the ring.
    """
    n = np.asarray(n_gpus, dtype=float)
    intra = system.intra_link
    link, nics = inter_node(system)
    inter_bw = link.bandwidth_gb_s * nics / system.gpus_per_node
    across = n > system.gpus_per_node
    bw = np.where(across, min(intra.bandwidth_gb_s, inter_bw), intra.bandwidth_gb_s) * GB
    alpha = np.where(across, max(intra.latency_us, link.latency_us), intra.latency_us) * US
    return bw, alpha


def allreduce_s(size_bytes, n, bw, alpha):
    """Ring all-reduce: 2 (n-1)/n x bytes / bw plus 2 (n-1) latency steps; 0 on one GPU."""
    n = np.asarray(n, dtype=float)
    return np.where(n > 1, 2.0 * (n - 1.0) / n * size_bytes / bw + 2.0 * (n - 1.0) * alpha, 0.0)


def gather_s(size_bytes, n, bw, alpha):
    """Ring all-gather or reduce-scatter: (n-1)/n x bytes / bw plus (n-1) latency steps."""
    n = np.asarray(n, dtype=float)
    return np.where(n > 1, (n - 1.0) / n * size_bytes / bw + (n - 1.0) * alpha, 0.0)


@dataclass(frozen=True)
class Efficiency:
    """Efficiency factors in use (clamped to (0, 1]); t_layer in seconds."""

    eff_mem: float
    eff_compute: float
    eff_prefill: float
    t_layer_s: float
    source: str

    @classmethod
    def from_row(cls, row: EngineEfficiency) -> "Efficiency":
        def clamp(x: float) -> float:
            return float(min(max(x, 1e-3), 1.0))

        return cls(clamp(row.eff_mem), clamp(row.eff_compute), clamp(row.eff_prefill),
                   max(float(row.t_layer_us), 0.0) * US,
                   f"{row.engine_id}/{row.gpu_class}: {row.calibrated_on}")


IDEAL = Efficiency(1.0, 1.0, 1.0, 0.0, "ideal (ceiling)")

# Tokens an engine processes per prefill step (its batched-token budget); bounds the prefill workspace.
PREFILL_TOKEN_BUDGET = {"llama.cpp": 512, "vllm": 8192, "trtllm": 8192, "sglang": 8192}
DEFAULT_PREFILL_BUDGET = 2048


@dataclass(frozen=True)
class ParallelPlan:
    """How one model replica is spread: tp GPUs per tensor-parallel group, pp sequential stages."""

    mode: str  # "tp" or "layer"
    tp: int
    pp: int
    tp_bw: float  # bytes/s per GPU per direction
    tp_alpha: float  # s
    hop_bw: float
    hop_alpha: float

    @property
    def gpus(self) -> int:
        return self.tp * self.pp


def parallel_plan(system: SystemSpec, mode: str) -> ParallelPlan:
    """'tp': tensor parallel inside each node, nodes as pipeline stages; 'layer': every GPU one layer stage."""
    validate_system(system)
    if mode not in ("tp", "layer"):
        raise InvalidInputError(f"unknown parallel mode '{mode}' (tp or layer)")
    intra = system.intra_link
    if system.nodes > 1:
        link, _ = inter_node(system)
        hop_bw, hop_alpha = min(intra.bandwidth_gb_s, link.bandwidth_gb_s), max(intra.latency_us, link.latency_us)
    else:
        hop_bw, hop_alpha = intra.bandwidth_gb_s, intra.latency_us
    if mode == "tp":
        tp, pp = system.gpus_per_node, system.nodes
    else:
        tp, pp = 1, system.total_gpus
    return ParallelPlan(mode, tp, pp, intra.bandwidth_gb_s * GB, intra.latency_us * US, hop_bw * GB, hop_alpha * US)


def engine_reserve(engine: Engine | None, capacity, committed=0.0):
    """Bytes a GPU keeps back: the runtime reserve, or the engine's unused share if larger.

    vLLM/SGLang: the fraction caps total memory, reserve = max(runtime, (1 - f) x capacity).
    TensorRT-LLM: the fraction applies to memory free after weights and buffers (``committed``).
    """
    if engine is None or engine.memory_fraction >= 1.0:
        return RUNTIME_RESERVE_BYTES + 0.0 * np.asarray(committed, dtype=float)
    f = max(float(engine.memory_fraction), 0.05)
    if engine.id in FREE_FRACTION_ENGINES:
        free = np.maximum(np.asarray(capacity, dtype=float) - RUNTIME_RESERVE_BYTES - committed, 0.0)
        return RUNTIME_RESERVE_BYTES + (1.0 - f) * free
    return np.maximum(RUNTIME_RESERVE_BYTES, (1.0 - f) * np.asarray(capacity, dtype=float)) + 0.0 * np.asarray(committed)
