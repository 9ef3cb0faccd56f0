"""Inference: memory per GPU, decode step time, prefill and time to first token (SIZING.md 2-3).

Every function broadcasts over ``users`` and ``context`` (numpy), so the scalar result and the chart sweeps
run the same formulas. ``prepare_inference`` turns catalog dataclasses into plain numbers once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import Engine, EngineEfficiency, ModelArch, Precision
from configurator.core.system import SystemSpec
from configurator.core.sizing.arch import ArchFigures, arch_figures, kv_bytes_per_token
from configurator.core.sizing.hardware import (
    ACT_BYTES, DEFAULT_PREFILL_BUDGET, FREE_FRACTION_ENGINES, IDEAL, PREFILL_TOKEN_BUDGET, Efficiency, ParallelPlan, capacity_bytes,
    engine_reserve, parallel_plan,
)
from configurator.core.sizing.precision import tensor_rate

CONTEXT_LIMIT = 1 << 20  # longest context reported (a model whose every layer slides has no KV limit)
LOGIT_BYTES = 4.0  # fp32 logits per vocabulary entry for each sequence being sampled


@dataclass(frozen=True)
class InferenceSetup:
    fig: ArchFigures
    plan: ParallelPlan
    eff: Efficiency
    engine: Engine | None
    capacity: float  # bytes per GPU
    bw: float  # bytes/s per GPU
    peak: float  # FLOP/s per GPU at the compute precision
    compute_used: str
    prefill_budget: int
    notes: tuple[str, ...] = ()

    # ---- memory (bytes per GPU) ----
    @property
    def weights(self) -> float:
        return self.fig.weight_bytes / self.plan.gpus

    @property
    def kv_fraction(self) -> float:
        """Share of a user's KV cache on one GPU: max(1/t, 1/kv) heads under TP (replicated when t > kv),
        1/pp of the layers under layer split."""
        return max(1.0 / self.plan.tp, 1.0 / self.fig.kv_heads_eff) / self.plan.pp

    def kv(self, users, context):
        return np.asarray(users, dtype=float) * self.fig.kv_bytes_per_user(context) * self.kv_fraction

    def workspace(self, prompt):
        """Prefill workspace: the engine's batched-token budget x a few 16-bit hidden/FFN buffers."""
        chunk = np.minimum(np.asarray(prompt, dtype=float), self.prefill_budget)
        return chunk * (4.0 * self.fig.hidden + 2.0 * self.fig.ffn / self.plan.tp) * ACT_BYTES

    def logits(self, users):
        return np.asarray(users, dtype=float) * self.fig.vocab * LOGIT_BYTES

    def activations(self, users, prompt):
        return self.workspace(prompt) + self.logits(users)

    def reserve(self, users, prompt):
        return engine_reserve(self.engine, self.capacity, self.weights + self.activations(users, prompt))

    def max_users(self, context, prompt):
        """Most concurrent users whose KV cache fits at ``context`` tokens each (0 if the weights do not fit)."""
        kv_user = self.fig.kv_bytes_per_user(context) * self.kv_fraction
        fixed = self.weights + self.workspace(prompt)
        per_user = kv_user + self.fig.vocab * LOGIT_BYTES
        avail = self.capacity - fixed - engine_reserve(self.engine, self.capacity, fixed)
        if self.engine is not None and self.engine.id in FREE_FRACTION_ENGINES and self.engine.memory_fraction < 1.0:
            f = self.engine.memory_fraction
            # kv <= f x (free - users x logits): users x (kv + f logits) <= f x free
            per_user = kv_user + f * self.fig.vocab * LOGIT_BYTES
        n = np.floor(np.maximum(avail, 0.0) / per_user)
        return np.maximum(n, 0.0)

    def max_context(self, users, prompt):
        """Longest context (tokens per user) that fits for ``users`` users; 0 if even the weights do not fit."""
        users = np.asarray(users, dtype=float)
        fixed = self.weights + self.workspace(prompt) + self.logits(users)
        avail = self.capacity - fixed - engine_reserve(self.engine, self.capacity, fixed)
        budget = np.maximum(avail, 0.0) / (users * self.kv_fraction)  # KV bytes per user
        g, wn, w = self.fig.kv_global_b, self.fig.kv_window_b, self.fig.window
        inside = budget / (g + wn)
        if math.isfinite(w):
            beyond = (budget - wn * w) / g if g > 0 else np.full_like(budget, np.inf)
            ctx = np.where(inside <= w, inside, beyond)
        else:
            ctx = inside
        return np.minimum(np.floor(ctx), CONTEXT_LIMIT)

    # ---- decode ----
    def decode(self, users, context, eff: Efficiency | None = None):
        """(step seconds, bound) at ``users`` concurrent users each holding ``context`` tokens.

        t = pp x max(bytes/(BW eff_mem), flops/(peak eff_compute)) + L t_layer + TP all-reduces + stage hops.
        """
        e = eff or self.eff
        f, p = self.fig, self.plan
        u = np.asarray(users, dtype=float)
        n = p.tp * p.pp
        bytes_gpu = f.read_bytes(u) / n + self.kv(u, context)
        flops_gpu = u * (2.0 * f.active_params + f.attention_flops(context)) / n
        t_mem = bytes_gpu / (self.bw * e.eff_mem)
        t_cmp = flops_gpu / (self.peak * e.eff_compute)
        step = p.pp * np.maximum(t_mem, t_cmp)
        if e is IDEAL:
            return step, t_cmp > t_mem
        msg = u * f.hidden * ACT_BYTES
        if p.tp > 1:
            step = step + 2.0 * f.layers * (p.tp_alpha + 2.0 * (p.tp - 1.0) / p.tp * msg / p.tp_bw)
        if p.pp > 1:
            step = step + (p.pp - 1.0) * (p.hop_alpha + msg / p.hop_bw)
        return step + f.layers * e.t_layer_s, t_cmp > t_mem

    # ---- prefill ----
    def prefill(self, prompt, eff: Efficiency | None = None):
        """Seconds to prefill one prompt of ``prompt`` tokens (compute-bound, or weight reads per chunk)."""
        e = eff or self.eff
        f, p = self.fig, self.plan
        s = np.maximum(np.asarray(prompt, dtype=float), 1.0)
        n = p.tp * p.pp
        chunk = np.minimum(s, self.prefill_budget)
        chunks = np.ceil(s / self.prefill_budget)
        flops_gpu = (2.0 * f.active_params * s + f.prefill_attention_flops(s)) / n
        bytes_gpu = chunks * f.read_bytes(chunk) / n
        t = p.pp * np.maximum(flops_gpu / (self.peak * e.eff_prefill), bytes_gpu / (self.bw * e.eff_mem))
        if e is IDEAL:
            return t
        msg = s * f.hidden * ACT_BYTES
        if p.tp > 1:
            t = t + 2.0 * f.layers * (chunks * p.tp_alpha + 2.0 * (p.tp - 1.0) / p.tp * msg / p.tp_bw)
        if p.pp > 1:
            t = t + (p.pp - 1.0) * (chunks * p.hop_alpha + msg / p.hop_bw)
        return t + chunks * f.layers * e.t_layer_s


def _efficiency(eff) -> Efficiency:
    if eff is None:
        return IDEAL
    if isinstance(eff, Efficiency):
        return eff
    if isinstance(eff, EngineEfficiency):
        return Efficiency.from_row(eff)
    raise InvalidInputError("efficiency must be an EngineEfficiency row")


def prepare_inference(
    arch: ModelArch,
    system: SystemSpec,
    weight_precision: Precision,
    kv_precision: Precision | None = None,
    efficiency: EngineEfficiency | Efficiency | None = None,
    engine: Engine | None = None,
    parallel: str | None = None,
    compute: str | None = None,
) -> InferenceSetup:
    """Everything that does not depend on users, context or prompt, computed once."""
    kv_precision = kv_precision or weight_precision
    fig = arch_figures(arch, weight_precision.bytes_per_weight, kv_precision.bytes_per_weight)
    mode = parallel or (engine.default_parallel if engine else "tp")
    plan = parallel_plan(system, mode)
    wanted = compute or weight_precision.compute
    if (compute is None and engine is not None and engine.id == "llama.cpp" and weight_precision.family == "gguf"
            and system.gpu.int8_dense_tops is not None):
        # llama.cpp multiplies quantized GGUF weights with int8 tensor-core kernels (MMQ), not dequantised fp16
        wanted = "int8"
    rate = tensor_rate(system.gpu, wanted)
    notes = [rate.note] if rate.note else []
    if plan.tp > fig.kv_heads_eff and fig.kv_heads_eff > 1:
        notes.append(f"TP {plan.tp} > {fig.kv_heads_eff} KV heads: KV heads are replicated")
    budget = PREFILL_TOKEN_BUDGET.get(engine.id, DEFAULT_PREFILL_BUDGET) if engine else DEFAULT_PREFILL_BUDGET
    return InferenceSetup(
        fig=fig, plan=plan, eff=_efficiency(efficiency), engine=engine, capacity=capacity_bytes(system.gpu),
        bw=system.gpu.bandwidth_tb_s * 1e12, peak=rate.flops_per_s, compute_used=rate.used,
        prefill_budget=budget, notes=tuple(notes),
    )


@dataclass(frozen=True)
class MemoryBreakdown:
    """Bytes per GPU, stacked against capacity (the memory-fit chart)."""

    weights_bytes: float
    kv_cache_bytes: float
    activations_bytes: float
    gradients_bytes: float
    optimizer_bytes: float
    reserve_bytes: float
    capacity_bytes: float

    @property
    def total_bytes(self) -> float:
        return (self.weights_bytes + self.kv_cache_bytes + self.activations_bytes + self.gradients_bytes
                + self.optimizer_bytes + self.reserve_bytes)

    @property
    def fits(self) -> bool:
        return self.total_bytes <= self.capacity_bytes

    @property
    def headroom_bytes(self) -> float:
        return self.capacity_bytes - self.total_bytes


@dataclass(frozen=True)
class InferenceResult:
    memory: MemoryBreakdown
    kv_bytes_per_token: float  # all layers, no window cap
    step_s: float  # expected decode step
    ceiling_step_s: float  # eff_mem = eff_compute = 1, t_layer = 0, no communication
    compute_bound: bool
    per_user_tokens_per_s: float
    aggregate_tokens_per_s: float
    ceiling_tokens_per_s: float  # per user
    prefill_s: float
    prefill_tokens_per_s: float
    ttft_s: float
    max_users_at_context: int
    max_context_tokens: int  # for the given users
    experts_touched: float  # per MoE layer at this batch (0 for dense)
    tp: int
    pp: int
    compute_used: str
    efficiency_source: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fits(self) -> bool:
        return self.memory.fits


def evaluate_inference(setup: InferenceSetup, users: int, context: int, prompt: int) -> InferenceResult:
    """All inference figures at one point (the CLI and the summary panel)."""
    if users < 1:
        raise InvalidInputError("users must be at least 1")
    if context < 0 or prompt < 0:
        raise InvalidInputError("context and prompt lengths cannot be negative")
    step, cbound = setup.decode(users, context)
    ceil, _ = setup.decode(users, context, IDEAL)
    pre = float(setup.prefill(prompt))
    first_step, _ = setup.decode(users, max(prompt, 1))
    act = float(setup.activations(users, prompt))
    mem = MemoryBreakdown(
        weights_bytes=setup.weights, kv_cache_bytes=float(setup.kv(users, context)), activations_bytes=act,
        gradients_bytes=0.0, optimizer_bytes=0.0, reserve_bytes=float(setup.reserve(users, prompt)),
        capacity_bytes=setup.capacity,
    )
    f = setup.fig
    return InferenceResult(
        memory=mem,
        kv_bytes_per_token=(f.kv_global_b + f.kv_window_b),
        step_s=float(step), ceiling_step_s=float(ceil), compute_bound=bool(cbound),
        per_user_tokens_per_s=1.0 / float(step), aggregate_tokens_per_s=users / float(step),
        ceiling_tokens_per_s=1.0 / float(ceil),
        prefill_s=pre, prefill_tokens_per_s=max(prompt, 1) / pre, ttft_s=pre + float(first_step),
        max_users_at_context=int(setup.max_users(context, prompt)),
        max_context_tokens=int(setup.max_context(users, prompt)),
        experts_touched=float(f.experts_touched(users)), tp=setup.plan.tp, pp=setup.plan.pp,
        compute_used=setup.compute_used, efficiency_source=setup.eff.source, notes=setup.notes,
    )


__all__ = ["InferenceSetup", "InferenceResult", "MemoryBreakdown", "prepare_inference", "evaluate_inference",
           "kv_bytes_per_token"]
