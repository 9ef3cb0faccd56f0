"""Inference: memory per GPU, decode step time, prefill and time to first token (SIZING.md 2-3, 3b).

Every function broadcasts over ``users`` and ``context`` (numpy), so the scalar result and the chart sweeps
run the same formulas. ``prepare_inference`` turns catalog dataclasses into plain numbers once.
One engine step is ``StepModel.time``: the GEMM phase (weights read vs FLOPs), the attention phase (KV bytes
read, memory-bound) and the fixed costs (layers, TP all-reduces, host) ADD; decode, prefill and the serving
simulation (core/sizing/serving) all go through it.
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
from configurator.core.sizing.validate import inference_plan  # issue 14 checks

CONTEXT_LIMIT = 1 << 20  # longest context reported (a model whose every layer slides has no KV limit)
LOGIT_BYTES = 4.0  # fp32 logits per vocabulary entry for each sequence being sampled


def _touched(experts: float, k: float, tokens):
    """Expected distinct routed experts per MoE layer for ``tokens`` tokens: E (1 - (1 - k/E)^T)."""
    return experts * (1.0 - (1.0 - k / experts) ** tokens)


@dataclass(frozen=True)
class StepModel:
    """One engine step of one replica as plain floats, per GPU (SIZING.md 3b).

    step = stages x (GEMM + attention) + layers x t_layer + TP all-reduces + stage hops + host, where
      GEMM      = max(weights read / (BW x eff_mem), decode tokens x c_dec + prefill tokens x c_pre)
                  c = 2 x active params / GPUs / (peak x eff x precision scale); MoE experts: / grouped_gemm
      attention = max(KV bytes read / (BW x eff_attn), attention FLOPs / (16-bit peak x eff_prefill))
      host      = t_step + t_seq x sequences in the step
    The phases do not overlap, so they add (a single max() over the whole step over-states batched speed
    1.5-3x). ``time`` runs on Python floats (the simulation's inner loop) and, with ``mx=np.maximum``, on arrays.
    """

    stages: float
    w_fixed_s: float  # seconds to read the weights every step reads (per GPU, at eff_mem)
    w_expert_s: float  # seconds to read one routed expert over all MoE layers
    experts: float  # routed experts per MoE layer (0: dense)
    k: float  # routed experts per token
    c_dec: float  # GEMM seconds per decode token
    c_pre: float  # GEMM seconds per prefill token
    kv_s_per_byte: float  # 1 / (BW x eff_attn)
    attn_s_per_flop: float  # 1 / (16-bit peak x eff_prefill)
    layer_s: float  # layers x t_layer
    comm_s: float  # TP all-reduce call latencies + stage-hop latencies per step
    comm_s_per_token: float  # all-reduce and hop bytes per token in the step
    t_step: float
    t_seq: float

    def weights_s(self, tokens):
        if self.experts:
            return self.w_fixed_s + self.w_expert_s * _touched(self.experts, self.k, tokens)
        return self.w_fixed_s  # dense: the same weights whatever the batch (broadcasts against arrays)

    def time(self, n_dec, n_pre, kv_bytes, attn_flops, seqs, mx=max):
        """(total, compute, bandwidth, overhead) seconds of a step with ``n_dec`` decode tokens, ``n_pre``
        prompt tokens, ``kv_bytes`` of KV cache read per GPU and ``attn_flops`` attention FLOPs per GPU."""
        tok = n_dec + n_pre
        w = self.weights_s(tok)
        f = n_dec * self.c_dec + n_pre * self.c_pre
        gemm = mx(w, f)
        kv = kv_bytes * self.kv_s_per_byte
        af = attn_flops * self.attn_s_per_flop
        attn = mx(kv, af)
        over = self.layer_s + self.comm_s + self.comm_s_per_token * tok + self.t_step + self.t_seq * seqs
        s = self.stages
        compute = s * (gemm * (f >= w) + attn * (af > kv))
        busy = s * (gemm + attn)
        return busy + over, compute, busy - compute, over


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
    peak16: float = 0.0  # FLOP/s per GPU at the 16-bit rate (attention kernels); 0: peak

    # ---- one engine step ----
    def step_model(self, eff: Efficiency | None = None) -> StepModel:
        """The step-time coefficients of one replica at these efficiencies (IDEAL: the ceiling, no fixed costs)."""
        e = eff or self.eff
        f, p = self.fig, self.plan
        n = float(p.tp * p.pp)
        scale = e.rate_scale(self.compute_used)
        expert_params = f.expert_bytes / f.bytes_per_weight if f.experts else 0.0
        routed = f.experts_active * expert_params  # routed expert parameters per token
        dense = f.active_params - routed
        gemm_flops = 2.0 * (dense + routed / e.grouped_gemm) / n  # per token per GPU, grouped-GEMM weighted
        mem = self.bw * e.eff_mem
        peak16 = self.peak16 or self.peak
        ideal = e is IDEAL
        comm = per_token = 0.0
        if not ideal:
            msg = f.hidden * ACT_BYTES  # bytes per token per all-reduce
            if p.tp > 1:
                comm += 2.0 * f.layers * p.allreduce_alpha
                per_token += 2.0 * f.layers * 2.0 * (p.tp - 1.0) / p.tp * msg / p.tp_bw
            if p.pp > 1:
                comm += (p.pp - 1.0) * p.hop_alpha
                per_token += (p.pp - 1.0) * msg / p.hop_bw
        return StepModel(
            stages=float(p.pp), w_fixed_s=f.read_fixed_bytes / n / mem, w_expert_s=f.expert_bytes / n / mem,
            experts=float(f.experts), k=float(f.experts_active),
            c_dec=gemm_flops / (self.peak * e.eff_compute * scale),
            c_pre=gemm_flops / (self.peak * e.eff_prefill * scale),
            kv_s_per_byte=1.0 / (self.bw * e.attn_mem), attn_s_per_flop=1.0 / (peak16 * e.eff_prefill),
            layer_s=0.0 if ideal else f.layers * e.t_layer_s, comm_s=comm, comm_s_per_token=per_token,
            t_step=0.0 if ideal else e.t_step_s, t_seq=0.0 if ideal else e.t_seq_s,
        )

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
        """(step seconds, compute-bound) at ``users`` concurrent users each holding ``context`` tokens.

        One decode step of ``StepModel.time``: GEMM max(weights, FLOPs) + attention max(KV bytes, FLOPs) + L
        t_layer + TP all-reduces + stage hops + host. At batch 1 both phases read memory and the sum equals the
        former single roofline.
        """
        e = eff or self.eff
        f, p = self.fig, self.plan
        m = self.step_model(e)
        u = np.asarray(users, dtype=float)
        n = p.tp * p.pp
        # StepModel.time with no prompt tokens, written out for the chart grids (fewer array passes)
        w = m.weights_s(u)
        fl = u * m.c_dec
        gemm = np.maximum(w, fl)
        kv = self.kv(u, context) * m.kv_s_per_byte
        af = (u * f.attention_flops(context)) * (m.attn_s_per_flop / n)
        attn = np.maximum(kv, af)
        busy = m.stages * (gemm + attn)
        total = busy + (m.layer_s + m.comm_s + m.t_step) + u * (m.comm_s_per_token + m.t_seq)
        compute = m.stages * (np.where(fl >= w, gemm, 0.0) + np.where(af > kv, attn, 0.0))
        return total, 2.0 * compute > busy

    # ---- prefill ----
    def prefill(self, prompt, eff: Efficiency | None = None):
        """Seconds to prefill one prompt of ``prompt`` tokens in chunks of the engine's token budget: the GEMMs
        (compute, or the weights read once per chunk), then attention (compute), plus each chunk's fixed costs."""
        e = eff or self.eff
        f, p = self.fig, self.plan
        m = self.step_model(e)
        s = np.maximum(np.asarray(prompt, dtype=float), 1.0)
        n = p.tp * p.pp
        chunk = np.minimum(s, self.prefill_budget)
        chunks = np.ceil(s / self.prefill_budget)
        gemm = np.maximum(chunks * m.weights_s(chunk), s * m.c_pre)
        attn = f.prefill_attention_flops(s) / n * m.attn_s_per_flop
        fixed = m.layer_s + m.comm_s + m.t_step + m.t_seq
        return m.stages * (gemm + attn) + chunks * fixed + s * m.comm_s_per_token


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
    replica: tuple[int, int] | None = None,
) -> InferenceSetup:
    """Everything that does not depend on users, context or prompt, computed once.

    ``replica`` = (tp, stages) sizes one replica of several on the build (serving layouts); default: the whole
    build is one replica (tp inside a node, nodes as stages; or every GPU a stage under layer split).
    """
    kv_precision = kv_precision or weight_precision
    fig = arch_figures(arch, weight_precision.bytes_per_weight, kv_precision.bytes_per_weight)
    mode = parallel or (engine.default_parallel if engine else "tp")
    plan = parallel_plan(system, mode, *(replica or (None, None)))
    # -- issue 14 checks (core/sizing/validate.py): TensorRT-LLM only on NVIDIA; TP must split the heads --
    plan, plan_notes = inference_plan(arch, system, engine, plan)
    wanted = compute or weight_precision.compute
    if (compute is None and engine is not None and engine.id == "llama.cpp" and weight_precision.family == "gguf"
            and system.gpu.int8_dense_tops is not None):
        # llama.cpp multiplies quantized GGUF weights with int8 tensor-core kernels (MMQ), not dequantised fp16
        wanted = "int8"
    rate = tensor_rate(system.gpu, wanted)
    rate16 = tensor_rate(system.gpu, "fp16")
    notes = [rate.note] if rate.note else []
    notes += plan_notes  # issue 14 (validate.py)
    if plan.tp > fig.kv_heads_eff and fig.kv_heads_eff > 1:
        notes.append(f"TP {plan.tp} > {fig.kv_heads_eff} KV heads: KV heads are replicated")
    budget = PREFILL_TOKEN_BUDGET.get(engine.id, DEFAULT_PREFILL_BUDGET) if engine else DEFAULT_PREFILL_BUDGET
    return InferenceSetup(
        fig=fig, plan=plan, eff=_efficiency(efficiency), engine=engine, capacity=capacity_bytes(system.gpu),
        bw=system.gpu.bandwidth_tb_s * 1e12, peak=rate.flops_per_s, compute_used=rate.used,
        prefill_budget=budget, notes=tuple(notes), peak16=rate16.flops_per_s,
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
