"""Training layouts: tensor (with sequence parallel), pipeline, context, expert and data parallel degrees.

A layout places n = tp x pp x cp x dp GPUs in Megatron-LM's rank order (tp innermost, then cp, then dp, pp
outermost), so a group of g ranks at stride k occupies g x k neighbouring GPUs: a TP group of 8 stays inside an
8-GPU node, while pipeline neighbours sit n / pp GPUs apart, usually on other nodes. Expert parallel groups are
carved out of the data-parallel ranks (ep divides dp), as in Megatron-Core.

``candidates`` enumerates every layout the rules allow (or checks one the user gave) as flat numpy arrays, so
the training model evaluates thousands of layouts in one vectorised call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import ModelArch
from configurator.core.system import SystemSpec
from configurator.core.sizing.hardware import inter_node
from configurator.core.units import GB, US

RECOMPUTE_LEVELS = ("none", "selective", "full")  # index = level in the candidate arrays
VIRTUAL_STAGES = (1, 2, 4, 8)  # interleaved 1F1B model chunks per GPU (Narayanan et al. 2021)
# Context parallel is searched only while each rank keeps at least this many tokens of a sequence: ring attention
# hides its transfers behind long blocks only (assumption; Llama 3 used CP only in its 128K stage, 8K per rank).
MIN_CP_TOKENS = 8192


@dataclass(frozen=True)
class Layout:
    tp: int
    pp: int
    cp: int
    ep: int
    dp: int
    zero: int  # 0-3 (3 = ZeRO-3 / FSDP)
    recompute: str  # none / selective / full
    virtual_stages: int = 1  # interleaved pipeline chunks per GPU (1 = plain 1F1B)
    micro_batches: int = 1  # per pipeline per optimizer step

    @property
    def gpus(self) -> int:
        return self.tp * self.pp * self.cp * self.dp

    def describe(self) -> str:
        parts = [f"TP {self.tp}"] if self.tp > 1 else []
        if self.pp > 1:
            parts.append(f"PP {self.pp}" + (f" (interleaved x{self.virtual_stages})" if self.virtual_stages > 1 else ""))
        if self.cp > 1:
            parts.append(f"CP {self.cp}")
        if self.ep > 1:
            parts.append(f"EP {self.ep}")
        parts.append(f"DP {self.dp}")
        zero = "no ZeRO" if self.zero == 0 else ("ZeRO-3/FSDP" if self.zero == 3 else f"ZeRO-{self.zero}")
        return f"{' x '.join(parts)}, {zero}, {self.recompute} recompute"

    def as_dict(self) -> dict:
        return {"tp": self.tp, "pp": self.pp, "cp": self.cp, "ep": self.ep, "dp": self.dp, "zero": self.zero,
                "recompute": self.recompute, "virtual_stages": self.virtual_stages,
                "micro_batches": self.micro_batches}


def divisors(n: int) -> list[int]:
    small = [d for d in range(1, int(math.isqrt(n)) + 1) if n % d == 0]
    return sorted(set(small + [n // d for d in small]))


def tp_allowed(arch: ModelArch, tp: int) -> bool:
    """Megatron splits attention by heads and KV groups: TP must divide both (MLA: the heads)."""
    if arch.heads % tp:
        return False
    return arch.attention.lower() == "mla" or arch.kv_heads % tp == 0


def check_manual(arch: ModelArch, n: int, seq_len: int, tp: int, pp: int, cp: int, ep: int) -> None:
    """One readable error for a layout the user gave that cannot run (0 = automatic, not checked)."""
    for name, value in (("TP", tp), ("PP", pp), ("CP", cp), ("EP", ep)):
        if value < 0:
            raise InvalidInputError(f"{name} must be at least 1 (or 0 for automatic), not {value}")
    if tp and not tp_allowed(arch, tp):
        what = f"{arch.heads} attention heads" if arch.heads % tp else f"{arch.kv_heads} KV heads"
        good = [t for t in divisors(n) if tp_allowed(arch, t)]
        raise InvalidInputError(f"TP {tp} does not divide {arch.name}'s {what} (TP can be {', '.join(map(str, good))})")
    if pp and pp > arch.layers:
        raise InvalidInputError(f"PP {pp} is more stages than {arch.name}'s {arch.layers} layers")
    if cp and seq_len % cp:
        raise InvalidInputError(f"CP {cp} does not divide the sequence length {seq_len}")
    if ep:
        if ep > 1 and not arch.is_moe:
            raise InvalidInputError(f"EP {ep}: {arch.name} has no experts (expert parallel needs an MoE model)")
        if arch.is_moe and int(arch.experts or 0) % ep:
            raise InvalidInputError(f"EP {ep} does not divide {arch.name}'s {arch.experts} experts")
    fixed = max(tp, 1) * max(pp, 1) * max(cp, 1)
    if fixed > n:
        raise InvalidInputError(f"TP x PP x CP = {fixed} GPUs is more than the {n} GPUs of the build")
    if n % fixed:
        raise InvalidInputError(f"{n} GPUs are not a whole number of TP x PP x CP = {fixed} groups "
                                f"(data parallel takes the rest: {n // fixed} groups would leave {n % fixed} GPUs idle)")
    if ep > 1 and tp and pp and cp and (n // fixed) % ep:
        raise InvalidInputError(f"EP {ep} does not divide the data-parallel degree {n // fixed}")


@dataclass(frozen=True)
class Candidates:
    """Flat arrays, one entry per layout (all the same length)."""

    n: np.ndarray
    tp: np.ndarray
    pp: np.ndarray
    cp: np.ndarray
    ep: np.ndarray
    dp: np.ndarray
    v: np.ndarray
    zero: np.ndarray
    rc: np.ndarray  # index into RECOMPUTE_LEVELS

    def __len__(self) -> int:
        return int(self.n.size)

    def layout(self, i: int, micro_batches: int) -> Layout:
        return Layout(int(self.tp[i]), int(self.pp[i]), int(self.cp[i]), int(self.ep[i]), int(self.dp[i]),
                      int(self.zero[i]), RECOMPUTE_LEVELS[int(self.rc[i])], int(self.v[i]), int(micro_batches))


def candidates(arch: ModelArch, n_values, gpus_per_node: int, seq_len: int, micro_batch: int, global_batch: int,
               tp: int = 0, pp: int = 0, cp: int = 0, ep: int = 0, zero: int = -1, recompute: str = "auto",
               strict: bool = True) -> Candidates:
    """See ``_candidates``; the enumeration is cached (the live charts ask for the same one on every change)."""
    counts = tuple(sorted({int(x) for x in np.atleast_1d(n_values)}))
    return _candidates(arch, counts, int(gpus_per_node), int(seq_len), int(micro_batch), int(global_batch),
                       int(tp), int(pp), int(cp), int(ep), int(zero), str(recompute), bool(strict))


@lru_cache(maxsize=64)
def _candidates(arch: ModelArch, n_values: tuple[int, ...], gpus_per_node: int, seq_len: int, micro_batch: int,
                global_batch: int, tp: int, pp: int, cp: int, ep: int, zero: int, recompute: str,
                strict: bool) -> Candidates:
    """Every allowed layout for each GPU count in ``n_values``; 0 (or -1 / "auto") leaves a degree to the search.

    ``strict=False`` (the GPU-count sweep) drops a hand-set degree where it does not divide that GPU count
    instead of refusing it. Rules: TP divides heads and KV heads and, when automatic, stays inside a node;
    PP at most the layer count; CP divides the sequence and leaves each rank >= 8192 tokens (automatic);
    EP divides the experts and the data-parallel degree; ZeRO-2/3 only without pipeline parallelism
    (DeepSpeed and FSDP do not combine them); interleaved stages only with enough micro-batches (m >= pp).
    Data-parallel replicas never hold more sequences than the global batch when a layout can avoid it.
    """
    rows: list[tuple] = []
    zeros = [zero] if zero >= 0 else [0, 1, 2, 3]
    levels = [RECOMPUTE_LEVELS.index(recompute)] if recompute != "auto" else [0, 1, 2]
    experts = int(arch.experts or 0) if arch.is_moe else 0
    for n in n_values:
        given = [d for d in (tp, pp, cp) if d]
        dims = (tp, pp, cp, ep)
        if not strict and given and n % math.prod(given):
            dims = (0, 0, 0, 0)
        per_n = _layouts_of(arch, n, gpus_per_node, seq_len, micro_batch, global_batch, *dims, zeros, levels, experts)
        if not per_n and not strict and any(dims):  # the sweep: hand-set degrees that cannot run at this count
            per_n = _layouts_of(arch, n, gpus_per_node, seq_len, micro_batch, global_batch, 0, 0, 0, 0, zeros, levels,
                                experts)
        if not per_n and strict:
            given_text = ", ".join(f"{k} {v}" for k, v in (("TP", tp), ("PP", pp), ("CP", cp), ("EP", ep)) if v)
            raise InvalidInputError(f"no layout of {n} GPUs runs {arch.name}" + (f" with {given_text}" if given_text
                                    else f": TP must divide its {arch.heads} heads and {arch.kv_heads} KV heads"))
        # a layout whose data-parallel replicas hold more sequences than the global batch inflates the batch:
        # keep those only when nothing else exists for this GPU count
        within = [row for row in per_n if row[5] * micro_batch <= global_batch]
        rows.extend(within or per_n)
    if not rows:
        raise InvalidInputError(f"no layout runs {arch.name} on these GPU counts")
    a = np.array(rows, dtype=np.int64)
    a.setflags(write=False)  # shared by every caller of the cache
    return Candidates(*(a[:, i] for i in range(9)))


def _layouts_of(arch: ModelArch, n: int, gpus_per_node: int, seq_len: int, micro_batch: int, global_batch: int,
                use_tp: int, use_pp: int, use_cp: int, use_ep: int, zeros, levels, experts: int) -> list[tuple]:
    per_n: list[tuple] = []
    for t in ([use_tp] if use_tp else [d for d in divisors(n) if d <= max(gpus_per_node, 1)]):
        if not tp_allowed(arch, t) or n % t:
            continue
        for p in ([use_pp] if use_pp else divisors(n // t)):
            if p > arch.layers or (n // t) % p:
                continue
            for c in ([use_cp] if use_cp else divisors(n // (t * p))):
                if (n // (t * p)) % c or seq_len % c:
                    continue
                if not use_cp and c > 1 and seq_len // c < MIN_CP_TOKENS:
                    continue
                d = n // (t * p * c)
                if experts:
                    eps = [use_ep] if use_ep else [e for e in divisors(d) if experts % e == 0]
                    eps = [e for e in eps if d % e == 0 and experts % e == 0]
                else:
                    eps = [1]
                m = max(1, math.ceil(global_batch / (d * micro_batch)))
                lps = math.ceil(arch.layers / p)
                vs = [1] if p == 1 else [v for v in VIRTUAL_STAGES if v <= lps and (v == 1 or m >= p)]
                for e in eps:
                    for v in vs:
                        for z in zeros:
                            if z >= 2 and p > 1:
                                continue
                            for r in levels:
                                per_n.append((n, t, p, c, e, d, v, z, r))
    return per_n


# -- links and collectives ------------------------------------------------------------------------------------
def group_path(system: SystemSpec, span):
    """(bytes/s per GPU per direction, latency s per step) of a ring whose ranks occupy ``span`` neighbouring
    GPUs. Inside one node: the link that bounds a ring of that many cards (a bridge pair, else the node's
    link); across nodes: the slower of that and the node's NICs shared by its GPUs."""
    span = np.asarray(span, dtype=float)
    g = system.gpus_per_node
    link, nics = inter_node(system)
    inter = min(system.intra_link.bandwidth_gb_s, link.bandwidth_gb_s * nics / g)
    spans, inverse = np.unique(np.minimum(span, g), return_inverse=True)
    links = [system.ring_link(int(s)) for s in spans]
    inside_bw = np.array([ln.bandwidth_gb_s for ln in links])[inverse].reshape(span.shape)
    inside_lat = np.array([ln.latency_us for ln in links])[inverse].reshape(span.shape)
    across = span > g
    bw = np.where(across, inter, inside_bw) * GB
    lat = np.where(across, max(system.intra_link.latency_us, link.latency_us), inside_lat) * US
    return bw, lat


def _steps(n):
    """Latency steps of one collective over n ranks: a ring's n - 1, bounded by a tree's 2 log2 n (NCCL picks
    the tree when latency dominates)."""
    n = np.asarray(n, dtype=float)
    return np.minimum(n - 1.0, 2.0 * np.ceil(np.log2(np.maximum(n, 1.0))))


def allreduce(size_bytes, n, bw, alpha):
    """2 (n-1)/n x bytes / bw (NCCL-tests bus bandwidth convention) plus latency; 0 for one rank."""
    n = np.asarray(n, dtype=float)
    return np.where(n > 1, 2.0 * (n - 1.0) / n * size_bytes / bw + 2.0 * _steps(n) * alpha, 0.0)


def gather(size_bytes, n, bw, alpha):
    """All-gather or reduce-scatter of ``size_bytes`` (the full tensor): (n-1)/n x bytes / bw plus latency."""
    n = np.asarray(n, dtype=float)
    return np.where(n > 1, (n - 1.0) / n * size_bytes / bw + _steps(n) * alpha, 0.0)
