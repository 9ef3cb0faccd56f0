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
    """Efficiency factors in use (clamped to (0, 1]); times in seconds.

    eff_mem: achieved / peak bandwidth reading weights. eff_compute: share of the 16-bit (or int8) dense rate the
    decode GEMMs reach; eff_prefill: the same for prompt tokens. eff_attn: achieved / peak bandwidth of the
    attention kernels reading the KV cache (0: same as eff_mem). t_layer: fixed cost per layer per step;
    t_step / t_seq: host cost per engine step and per running sequence in it (scheduling, sampling, launches).
    fp8_scale / fp4_scale: GEMM efficiency at the FP8 / FP4 rate relative to eff_compute / eff_prefill (those
    rates are reached far less well: SIZING.md 3b). grouped_gemm: MoE expert GEMMs relative to a dense GEMM.
    """

    eff_mem: float
    eff_compute: float
    eff_prefill: float
    t_layer_s: float
    source: str
    eff_attn: float = 0.0
    t_step_s: float = 0.0
    t_seq_s: float = 0.0
    fp8_scale: float = 1.0
    fp4_scale: float = 1.0
    grouped_gemm: float = 1.0

    @classmethod
    def from_row(cls, row: EngineEfficiency) -> "Efficiency":
        def clamp(x: float) -> float:
            return float(min(max(x, 1e-3), 1.0))

        def opt(name: str, default: float) -> float:
            value = getattr(row, name, None)  # catalogs built before these columns existed
            return default if value is None else float(value)

        attn = opt("eff_attn", 0.0)
        return cls(clamp(row.eff_mem), clamp(row.eff_compute), clamp(row.eff_prefill),
                   max(float(row.t_layer_us), 0.0) * US,
                   f"{row.engine_id}/{row.gpu_class}: {row.calibrated_on}",
                   eff_attn=clamp(attn) if attn > 0 else 0.0,
                   t_step_s=max(opt("t_step_us", 0.0), 0.0) * US,
                   t_seq_s=max(opt("t_seq_us", 0.0), 0.0) * US,
                   fp8_scale=clamp(opt("fp8_scale", 1.0)), fp4_scale=clamp(opt("fp4_scale", 1.0)),
                   grouped_gemm=clamp(opt("grouped_gemm", 1.0)))

    @property
    def attn_mem(self) -> float:
        """Bandwidth efficiency of the attention kernels (eff_mem where no own figure)."""
        return self.eff_attn if self.eff_attn > 0 else self.eff_mem

    def rate_scale(self, compute: str) -> float:
        """GEMM efficiency at the ``compute`` tensor rate relative to the 16-bit figures."""
        return {"fp8": self.fp8_scale, "fp4": self.fp4_scale}.get(compute, 1.0)


IDEAL = Efficiency(1.0, 1.0, 1.0, 0.0, "ideal (ceiling)")

# Tokens an engine processes per prefill step (its batched-token budget); bounds the prefill workspace.
PREFILL_TOKEN_BUDGET = {"llama.cpp": 512, "vllm": 8192, "trtllm": 8192, "sglang": 8192}
DEFAULT_PREFILL_BUDGET = 2048


# Latency of ONE small all-reduce call under tensor parallelism (the two per layer of a decode step), seconds.
# SIZING.md 3b: about 8-12 us on NVLink (NCCL LL / custom all-reduce kernels), about 25 us on AMD Infinity Fabric
# (RCCL). PCIe has no figure there: assumption, as slow as Infinity Fabric (peer traffic through the root complex).
# This is the per-call floor of the kernel and its synchronisation, not the per-hop link latency of a ring.
ALLREDUCE_CALL_US = {"nvlink": 10.0, "infinity": 25.0, "pcie": 25.0}


def allreduce_call_latency_s(link: Link) -> float:
    name = link.name.lower()
    for key, us in ALLREDUCE_CALL_US.items():
        if name.startswith(key) or key in name:
            return us * US
    return max(ALLREDUCE_CALL_US.values()) * US  # network links: never faster than the slowest in-node path


@dataclass(frozen=True)
class ParallelPlan:
    """How one model replica is spread: tp GPUs per tensor-parallel group, pp sequential stages."""

    mode: str  # "tp" or "layer"
    tp: int
    pp: int
    tp_bw: float  # bytes/s per GPU per direction
    tp_alpha: float  # s, link latency per collective step
    hop_bw: float
    hop_alpha: float
    ar_alpha: float = 0.0  # s, latency of one TP all-reduce call (ALLREDUCE_CALL_US); 0: tp_alpha

    @property
    def gpus(self) -> int:
        return self.tp * self.pp

    @property
    def allreduce_alpha(self) -> float:
        return self.ar_alpha if self.ar_alpha > 0 else self.tp_alpha


def parallel_plan(system: SystemSpec, mode: str, tp: int | None = None, pp: int | None = None) -> ParallelPlan:
    """'tp': tensor parallel inside each node, nodes as pipeline stages; 'layer': every GPU one layer stage.

    ``tp`` / ``pp`` give one replica's shape explicitly (the serving layouts: several replicas on one build).
    """
    validate_system(system)
    if mode not in ("tp", "layer"):
        raise InvalidInputError(f"unknown parallel mode '{mode}' (tp or layer)")
    intra = system.intra_link
    if mode == "tp":
        tp_n, pp_n = system.gpus_per_node, system.nodes
    else:
        tp_n, pp_n = 1, system.total_gpus
    if tp is not None or pp is not None:
        tp_n, pp_n = int(tp or 1), int(pp or 1)
        if tp_n < 1 or pp_n < 1 or tp_n > system.gpus_per_node or tp_n * pp_n > system.total_gpus:
            raise InvalidInputError(f"a replica of TP {tp_n} x {pp_n} stages does not fit this build")
    if tp is not None and hasattr(system, "ring_link"):
        intra = system.ring_link(tp_n)  # a TP group inside one NVLink bridge set talks over the bridge
    # stage hops cross nodes only when a replica spans nodes
    spans_nodes = tp_n * pp_n > system.gpus_per_node
    if spans_nodes:
        link, _ = inter_node(system)
        hop_bw, hop_alpha = min(intra.bandwidth_gb_s, link.bandwidth_gb_s), max(intra.latency_us, link.latency_us)
    else:
        hop_bw, hop_alpha = intra.bandwidth_gb_s, intra.latency_us
    return ParallelPlan(mode, tp_n, pp_n, intra.bandwidth_gb_s * GB, intra.latency_us * US, hop_bw * GB,
                        hop_alpha * US, allreduce_call_latency_s(intra))


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
