"""Training: memory per GPU, FLOPs, step time and communication under a 3D-parallel layout (SIZING.md 2 and 4).

A layout is TP (with sequence parallel) x PP (1F1B, optionally interleaved) x CP x DP, with EP for MoE experts
carved out of DP and ZeRO 0-3 / FSDP sharding over DP (core/sizing/layout.py). When the workload leaves a degree,
the ZeRO stage or the recompute policy open, every allowed layout is evaluated in one vectorised call and the
fastest one that fits is chosen; among layouts within 0.5% of the fastest, the one with the most memory
headroom wins (ZeRO-1 over ZeRO-0 when both run as fast).

Accounting kept apart (SIZING.md 4):
- model FLOPs (the MFU convention): 6 x active params per token (LoRA 4: no weight gradients for the frozen
  base) + attention 6 x heads x (qk dim + v dim) x context per layer (PaLM, no causal halving; 12 L s a hd for
  GQA). MFU = model FLOPs / (step x GPUs x dense peak).
- hardware FLOPs: what the GPUs execute: FlashAttention skips the masked half of causal attention and recomputes
  QK^T in its backward (x 7/6 of the attention work); full recompute adds a forward pass (2 x params + attention).
- kernel efficiency (the calibrated figure, db/training_efficiency.csv): achieved hardware FLOP/s / peak while
  computing. Pipeline bubbles and exposed communication come on top, from the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import ModelArch, Precision
from configurator.core.system import SystemSpec
from configurator.core.workload import OPTIMIZERS, RECOMPUTE, TRAINING_MODES, ZERO_CHOICES, TrainingWorkload
from configurator.core.sizing.arch import lora_trainable_params, sliding_layers, validate_arch
from configurator.core.sizing.hardware import RUNTIME_RESERVE_BYTES, capacity_bytes, validate_system
from configurator.core.sizing.inference import MemoryBreakdown
from configurator.core.sizing.layout import (
    RECOMPUTE_LEVELS, Candidates, Layout, allreduce, candidates, check_manual, gather, group_path,
)
from configurator.core.sizing.precision import standard_precision, tensor_rate
from configurator.core.sizing.training_efficiency import efficiencies

# Optimizer state bytes per trainable parameter (fp32 master copy included): AdamW 4 + 4 + 4,
# 8-bit AdamW 4 + 1 + 1, SGD with momentum 4 + 4.
OPTIMIZER_BYTES = {"adamw": 12.0, "adamw8bit": 6.0, "sgd": 8.0}
# DeepSpeed's ZeRO optimizers keep an fp32 gradient partition beside the 16-bit gradients (its own estimator:
# ZeRO-2 = 4 + 16/n bytes per parameter, ZeRO-3 = 18/n + the largest layer gathered).
FP32_GRAD_PARTITION = 4.0
NF4_BITS = 4.13  # QLoRA base weights, NF4 with double quantization
QLORA_EFFICIENCY_FACTOR = 0.7  # assumption: NF4 dequantisation before every base matmul
LOGIT_BYTES = 4.0  # fp32 logits for the loss, per token per vocabulary entry
FLASH_BACKWARD = 7.0 / 6.0  # FlashAttention: backward recomputes QK^T (3.5 forward-equivalents, not 3)
NEAR_BEST = 0.005  # layouts this close to the fastest count as equally fast
ACT_BYTES = 2.0  # activations and their gradients travel in 16-bit

# Defaults of each training mode's common recipe, for the CLI and new workloads (SIZING.md 1). The ZeRO stage,
# the recompute policy and the layout are searched unless given: QLoRA/LoRA recipes (Dettmers et al. 2023; PEFT)
# turn gradient checkpointing on exactly when the model would not fit otherwise, which the search reproduces.
RECIPES: dict[str, dict] = {
    "full": {"global_batch": 64, "seq_len": 4096, "lora_rank": 16},
    "lora": {"global_batch": 64, "seq_len": 4096, "lora_rank": 16},
    "qlora": {"global_batch": 64, "seq_len": 4096, "lora_rank": 16},
    "pretrain": {"global_batch": 512, "seq_len": 4096, "lora_rank": 16},  # 2M tokens per step at 4096
}


def _mode(workload: TrainingWorkload) -> str:
    return "full" if workload.mode == "train" else workload.mode


def _check(workload: TrainingWorkload) -> None:
    mode = _mode(workload)
    if mode not in TRAINING_MODES:
        raise InvalidInputError(f"unknown training mode '{workload.mode}' ({', '.join(TRAINING_MODES)})")
    if workload.optimizer not in OPTIMIZERS:
        raise InvalidInputError(f"unknown optimizer '{workload.optimizer}' ({', '.join(OPTIMIZERS)})")
    if workload.zero_stage not in ZERO_CHOICES:
        raise InvalidInputError(f"ZeRO stage must be 0-3 (or automatic), not {workload.zero_stage}")
    if workload.recompute not in RECOMPUTE:
        raise InvalidInputError(f"unknown recompute '{workload.recompute}' ({', '.join(RECOMPUTE)})")
    for name in ("seq_len", "micro_batch", "global_batch"):
        if getattr(workload, name) < 1:
            raise InvalidInputError(f"{name.replace('_', ' ')} must be at least 1")
    if workload.tokens < 0:
        raise InvalidInputError("tokens to train cannot be negative")
    if not 0 <= workload.mfu <= 1:
        raise InvalidInputError("MFU must be between 0 and 1 (0: the calibrated default)")


def check_context(arch: ModelArch, workload: TrainingWorkload) -> None:
    """Fine-tuning a released model beyond its max position embeddings needs a different (RoPE-scaled) model:
    refuse it. Pretraining defines the model, so any sequence length goes."""
    if _mode(workload) != "pretrain" and arch.max_context and workload.seq_len > arch.max_context:
        raise InvalidInputError(f"sequence length {workload.seq_len:,} is beyond {arch.name}'s maximum context of "
                                f"{arch.max_context:,} tokens (max_position_embeddings)")


# -- per-model coefficients ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Shape:
    P: float  # total parameters
    A: float  # active per token
    routed: float  # routed-expert parameters (all experts, all MoE layers)
    layers_dense: float  # non-expert parameters in the transformer layers (attention, dense FFN, shared experts)
    table: float  # one vocab x hidden table
    tables: float  # input + output tables (1 if tied)
    moe_share: float  # MoE layers / layers
    topk: int
    act_coef: float  # activation bytes per token per layer / hidden, selective (Megatron)
    attn_model: float  # attention model FLOPs per token (PaLM convention)
    attn_hw: float  # attention hardware FLOPs per token (causal, FlashAttention skips the masked half)
    kv_dim: float  # K + V width per token per layer (context parallel traffic)
    lora: float  # trainable adapter parameters (0 for full training)


@lru_cache(maxsize=256)
def _shape(arch: ModelArch, seq_len: int, mode: str, lora_rank: int) -> _Shape:
    P = arch.params_b * 1e9
    A = (arch.active_params_b or arch.params_b) * 1e9
    e, k = int(arch.experts or 0), int(arch.experts_active or 0)
    routed = (P - A) * e / (e - k) if arch.is_moe and e > k > 0 else 0.0
    table = float(arch.vocab) * arch.hidden
    tables = table * (1 if arch.tied_embeddings else 2)
    layers_dense = max(P - routed - tables, 0.0)
    L, h, a, hd = arch.layers, arch.hidden, arch.heads, arch.head_dim
    mla = arch.attention.lower() == "mla"
    d_qk = hd + (int(arch.qk_rope_head_dim or 0) if mla else 0)
    d_v = hd
    kv = a if mla else arch.kv_heads  # MLA decompresses K and V per head while training
    moe = arch.moe_layer_count
    dense_width = arch.dense_intermediate or arch.intermediate
    width = ((L - moe) * dense_width + moe * (k + int(arch.shared_experts or 0)) *
             (arch.expert_intermediate or arch.intermediate)) / L
    # Megatron's activation memory (Korthikanti et al. 2022, theoretical_memory_usage.py): 18 + 4 ffn/h bytes per
    # token per layer for a 4h GeLU MLP with MHA. Here: 10 for the two norm inputs (4), the QKV, projection and
    # MLP inputs (6); no dropout masks (every catalog model trains with dropout 0, so none are kept); 2 bytes for
    # each of Q, K, V (GQA: K and V at kv x head_dim); 6 x width for a gated MLP (gate, up, their product).
    act_coef = 10.0 + 2.0 * (a * d_qk + kv * d_qk + kv * d_v) / h + 6.0 * width / h
    win = sliding_layers(arch)
    glob = L - win
    s = float(seq_len)
    w = float(min(arch.sliding_window or seq_len, seq_len)) if win else s
    per_pair = 6.0 * a * (d_qk + d_v)  # forward 2 (QK^T, PV) x backward 3
    attn_model = per_pair * (glob * s + win * w)
    # causal pairs per token: s/2 on full layers, w (1 - w / 2s) inside a window
    attn_hw = per_pair * (glob * s / 2.0 + win * w * (1.0 - w / (2.0 * s)))
    lora = lora_trainable_params(arch, lora_rank) if mode in ("lora", "qlora") else 0.0
    return _Shape(P, A, routed, layers_dense, table, tables, moe / L, k, act_coef, attn_model, attn_hw,
                  float(kv * (d_qk + d_v)), lora)


# -- evaluation of many layouts at once ---------------------------------------------------------------------
@dataclass(frozen=True)
class _Eval:
    weights: np.ndarray
    grads: np.ndarray
    opt: np.ndarray
    acts: np.ndarray
    total: np.ndarray
    m: np.ndarray  # micro-batches per pipeline per step
    tokens_step: np.ndarray
    compute_s: np.ndarray  # pure compute per step (no bubble)
    bubble_s: np.ndarray
    pipeline_s: np.ndarray  # the pipeline's run: stage time per micro-batch x (m + (pp - 1) / v)
    tp_s: np.ndarray
    pp_s: np.ndarray
    cp_s: np.ndarray
    ep_s: np.ndarray
    dp_s: np.ndarray
    window_s: np.ndarray  # compute the DP sync can hide behind
    exposed_s: np.ndarray
    step_s: np.ndarray
    model_flops_token: float
    hw_flops_token: np.ndarray
    peak: float  # dense FLOP/s per GPU of the GEMM rate (MFU reference)


def _evaluate(arch: ModelArch, system: SystemSpec, wl: TrainingWorkload, prec: Precision, eff: dict[str, float],
              c: Candidates) -> tuple[_Eval, list[str]]:
    mode = _mode(wl)
    lora = mode in ("lora", "qlora")
    sh = _shape(arch, wl.seq_len, mode, wl.lora_rank)
    rate = tensor_rate(system.gpu, prec.compute)
    rate16 = tensor_rate(system.gpu, "fp16" if prec.compute != "fp32" else "fp32")
    notes = [rate.note] if rate.note else []
    e_gemm = wl.mfu if wl.mfu > 0 else eff.get(rate.used, eff["fp16"])
    e_attn = wl.mfu if wl.mfu > 0 else eff.get(rate16.used, eff["fp16"])
    if rate.used == "fp8":
        notes.append("FP8: the GEMMs run at the FP8 rate; attention, norms and the optimizer stay 16-bit")
    if mode == "qlora":
        e_gemm *= QLORA_EFFICIENCY_FACTOR
        e_attn *= QLORA_EFFICIENCY_FACTOR
        notes.append(f"QLoRA: NF4 dequantisation counted as {QLORA_EFFICIENCY_FACTOR:.0%} of the kernel efficiency")

    n, t, p, cp, ep, dp, v, z, rc = (x.astype(float) for x in (c.n, c.tp, c.pp, c.cp, c.ep, c.dp, c.v, c.zero, c.rc))
    s, b, L, h = float(wl.seq_len), float(wl.micro_batch), arch.layers, float(arch.hidden)
    m = np.maximum(1.0, np.ceil(wl.global_batch / (dp * b)))
    tokens_step = m * dp * b * s
    # Pipeline split with the embedding and the loss each counted as one layer (Megatron's
    # account_for_embedding_in_pipeline_split; Llama 3 405B: one layer fewer on the first and the last stage):
    # middle stages hold ceil((L + 2) / pp) layers, the two end stages one fewer plus their vocabulary table.
    slots = np.where(p > 1, L + 2.0, float(L))
    lps = np.ceil(slots / p)  # layers of the busiest stage (compute time)
    end_layers = np.where(p > 1, np.maximum(lps - 1.0, 1.0), float(L))
    frac = np.where(p > 1, lps / slots, 1.0)  # share of the model's work on the busiest stage
    # -- memory per GPU: every kind of stage, the fullest one counts --
    w_b = 4.0 if prec.compute == "fp32" else 2.0
    g_b = 4.0 if (wl.fp32_grads or prec.compute == "fp32") else 2.0
    o_b = OPTIMIZER_BYTES[wl.optimizer]
    part = FP32_GRAD_PARTITION if w_b < 4 else 0.0
    dd, de = dp * cp, dp * cp / ep  # data-parallel degrees of the dense and the expert parameters
    layer_params = ((sh.layers_dense + sh.routed / ep) / L) / t
    base_b = NF4_BITS / 8.0 if mode == "qlora" else 2.0
    s_loc = s / cp
    sbh = s_loc * b * h
    per_layer = np.select(
        [rc == 0, rc == 1],
        [(sh.act_coef * sbh + 5.0 * arch.heads * s_loc * s_loc * b) / t, sh.act_coef * sbh / t],
        2.0 * sbh / t,
    )
    working = np.where(rc == 2, sh.act_coef * sbh / t, 0.0)  # one layer's set while it is recomputed
    interleave = np.where(v > 1, 1.0 + (p - 1.0) / (p * v), 1.0)  # Megatron's interleaved-schedule penalty
    logits = s_loc * b * arch.vocab * LOGIT_BYTES / t

    def stage(layers, tables, in_flight, with_logits):
        X = (sh.layers_dense * layers / L + tables) / t  # dense parameters on this GPU
        Y = sh.routed * layers / L / (t * ep)  # routed-expert parameters on this GPU
        shard = X / dd + Y / de
        if lora:
            T = sh.lora * layers / L / t
            weights = np.where(z == 3, base_b * shard + w_b * T / dd + np.where(dd > 1, 2.0 * base_b * layer_params, 0.0),
                               base_b * (X + Y) + w_b * T)
            trainable, trainable_sh = T, T / dd
        else:
            weights = np.where(z == 3, w_b * shard + np.where(dd > 1, 2.0 * w_b * layer_params, 0.0), w_b * (X + Y))
            trainable, trainable_sh = X + Y, shard
        grads = np.where(z == 0, g_b * trainable,
                         np.where(z == 3, FP32_GRAD_PARTITION * trainable_sh, g_b * trainable + part * trainable_sh))
        opt = np.where(z == 0, o_b * trainable, o_b * trainable_sh)
        acts = layers * in_flight * interleave * per_layer + working + (logits if with_logits else 0.0)
        return weights, grads, opt, acts

    single = stage(float(L), sh.tables, 1.0, True)
    first = stage(end_layers, sh.table, np.minimum(m, p), False)
    middle = stage(lps, 0.0, np.minimum(m, np.maximum(p - 1.0, 1.0)), False)
    last = stage(end_layers, sh.table, 1.0, True)

    def pick(piped, alone):
        return tuple(np.where(p > 1, a, b) for a, b in zip(piped, alone))

    middle = tuple(np.where(p > 2, a, b) for a, b in zip(middle, first))  # two stages: no middle one
    kinds = [pick(first, single), pick(middle, single), pick(last, single)]
    totals = np.stack([sum(k) for k in kinds])
    worst = np.argmax(totals, axis=0)
    weights, grads, opt, acts = (np.choose(worst, [k[j] for k in kinds]) for j in range(4))
    total = weights + grads + opt + acts + RUNTIME_RESERVE_BYTES
    # what the busiest stage communicates (data-parallel sync, ZeRO-3 gathers)
    X = (sh.layers_dense * lps / L + np.where(p > 1, 0.0, sh.tables)) / t
    Y = sh.routed * lps / L / (t * ep)
    if lora:
        T = sh.lora * lps / L / t
        train_dense, train_expert = T, np.zeros_like(T)
        param_bytes_dense, param_bytes_expert = base_b * X + w_b * T, base_b * Y
    else:
        train_dense, train_expert = X, Y
        param_bytes_dense, param_bytes_expert = w_b * X, w_b * Y

    # -- FLOPs and time --
    mult = 4.0 if lora else 6.0
    model_flops_token = mult * sh.A + sh.attn_model
    gemm_token = mult * sh.A + np.where(rc == 2, 2.0 * sh.A, 0.0)
    attn_token = np.select([rc == 0, rc == 1], [sh.attn_model, sh.attn_hw * FLASH_BACKWARD],
                           sh.attn_hw * (FLASH_BACKWARD + 1.0 / 3.0))
    hw_flops_token = gemm_token + attn_token
    mb_tokens = s * b * frac / (t * cp)  # this GPU's share of one micro-batch
    t_gemm = mb_tokens * gemm_token / (rate.flops_per_s * e_gemm)
    t_attn = mb_tokens * attn_token / (rate16.flops_per_s * e_attn)
    t_mb = t_gemm + t_attn
    # tensor parallel with sequence parallel: per layer 2 all-gathers + 2 reduce-scatters of s b h forward, the
    # same backward, again for a recomputed forward; not overlapped (Megatron without TP-comm overlap)
    bw_tp, a_tp = group_path(system, t)
    msg = s_loc * b * h * ACT_BYTES
    tp_mb = lps * np.where(rc == 2, 12.0, 8.0) * gather(msg, t, bw_tp, a_tp)
    # expert parallel: dispatch + combine all-to-alls per MoE layer, forward and backward (+ recompute)
    bw_ep, a_ep = group_path(system, t * cp * ep)
    a2a = np.where(ep > 1, (ep - 1.0) / ep * (s_loc * b / t) * sh.topk * h * ACT_BYTES / bw_ep + a_ep, 0.0)
    ep_mb = sh.moe_share * lps * np.where(rc == 2, 6.0, 4.0) * a2a
    # context parallel (ring attention): K and V blocks pass cp - 1 times forward, K, V and their gradients
    # backward; overlapped with that layer's attention
    bw_cp, _ = group_path(system, t * cp)
    kv_block = s_loc * b * sh.kv_dim / t * ACT_BYTES
    cp_mb = np.where(cp > 1, lps * 3.0 * (cp - 1.0) * kv_block / bw_cp, 0.0)
    cp_exposed = np.maximum(cp_mb - t_attn, 0.0)
    stage_mb = t_mb + tp_mb + ep_mb + cp_exposed
    pipeline = stage_mb * (m + (p - 1.0) / v)
    # pipeline point-to-point: activations forward, gradients backward, per micro-batch and model chunk
    bw_pp, a_pp = group_path(system, n / p + 1.0)
    pp_s = np.where(p > 1, 2.0 * v * m * (msg / t / bw_pp + a_pp), 0.0)
    # data-parallel sync over the dense and the expert groups (ranks spread over n / pp neighbouring GPUs)
    bw_dp, a_dp = group_path(system, n / p)

    def sync(grad_params, param_bytes, degree):
        g = g_b * grad_params
        return np.where(grad_params > 0, 1.0, 0.0) * np.select(
            [z <= 1, z == 2],
            [allreduce(g, degree, bw_dp, a_dp), gather(g, degree, bw_dp, a_dp) + gather(param_bytes, degree, bw_dp, a_dp)],
            m * (np.where(rc == 2, 3.0, 2.0) * gather(param_bytes, degree, bw_dp, a_dp) + gather(g, degree, bw_dp, a_dp)),
        )

    dp_s = sync(train_dense, param_bytes_dense, dd) + sync(train_expert, param_bytes_expert, de)
    window = np.where(z == 3, m * t_mb, t_mb)  # the last micro-batch (ZeRO-3: every micro-batch, prefetched)
    dp_exposed = np.maximum(dp_s - window, 0.0)
    step = pipeline + pp_s + dp_exposed
    exposed = m * (tp_mb + ep_mb + cp_exposed) + pp_s + dp_exposed
    return _Eval(
        weights=weights, grads=grads, opt=opt, acts=acts, total=total, m=m, tokens_step=tokens_step,
        compute_s=m * t_mb, bubble_s=stage_mb * (p - 1.0) / v, pipeline_s=pipeline, tp_s=m * tp_mb, pp_s=pp_s, cp_s=m * cp_mb,
        ep_s=m * ep_mb, dp_s=dp_s, window_s=window, exposed_s=exposed, step_s=step,
        model_flops_token=float(model_flops_token), hw_flops_token=hw_flops_token, peak=rate.flops_per_s,
    ), notes


def _best(ev: _Eval, c: Candidates, capacity: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(GPU counts, index of the chosen layout for each, whether it fits), in one pass over every layout.

    The fastest layout that fits; among those within NEAR_BEST of it, the simplest: fewest model-parallel
    dimensions, then the lowest ZeRO stage, the least recompute, no interleaving, then the most headroom.
    Nothing fits: the layout that needs the least memory.
    """
    counts, group = np.unique(c.n, return_inverse=True)
    per_token = ev.step_s / ev.tokens_step
    fits = ev.total <= capacity
    fastest = np.full(counts.size, np.inf)
    np.minimum.at(fastest, group, np.where(fits, per_token, np.inf))
    any_fit = np.isfinite(fastest)
    near = fits & (per_token <= fastest[group] * (1.0 + NEAR_BEST))
    dims = (c.tp > 1).astype(int) + (c.pp > 1) + (c.cp > 1) + (c.ep > 1)
    # groups with a fitting layout: near ones first, by simplicity then headroom; others: least memory first
    has = any_fit[group]
    keys = (ev.total, np.where(has, c.v, 0), np.where(has, c.rc, 0), np.where(has, c.zero, 0),
            np.where(has, dims, 0), np.where(has, ~near, False), group)
    order = np.lexsort(keys)
    first = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    picks = order[first]
    return counts, picks, any_fit


def _prepare(arch, system, workload, precision):
    validate_arch(arch)
    validate_system(system)
    _check(workload)
    check_context(arch, workload)
    prec = precision or standard_precision(workload.precision)
    return prec


# -- results ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingResult:
    memory: MemoryBreakdown
    layout: Layout
    trainable_params: float
    flops_per_token: float  # model FLOPs (MFU convention)
    hardware_flops_per_token: float  # what the GPUs execute (causal attention, recompute)
    tokens_per_step: float
    compute_s: float  # per step, without bubbles or communication
    bubble_s: float  # pipeline fill and drain: stage time per micro-batch x (pp - 1) / v
    pipeline_s: float  # the pipeline's run (1F1B): bubble / pipeline = (pp - 1) / (v m + pp - 1)
    allreduce_s: float  # data-parallel gradient sync per step (all-reduce or ZeRO equivalents)
    comm_s: float  # every collective per step: TP, PP, CP, EP and DP
    exposed_comm_s: float  # the part not hidden behind compute
    step_s: float
    tokens_per_s: float
    train_time_s: float
    allreduce_share: float  # all communication / (compute + all communication)
    exposed_share: float  # exposed communication / step
    mfu: float  # model FLOPs / (step x GPUs x dense peak of the rate used)
    hfu: float  # hardware FLOPs / (same)
    model_tflops_per_gpu: float
    tokens_per_s_per_gpu: float
    efficiency: float  # kernel efficiency used (GEMM rate)
    compute_used: str
    comm_breakdown_s: dict = field(default_factory=dict)  # tp, pp, cp, ep, dp seconds per step
    layouts_considered: int = 0
    layouts_fitting: int = 0
    reason: str = ""
    notes: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        return self.memory.fits

    @property
    def comm_share_exposed(self) -> float:
        return self.exposed_share


def _result(arch, system, wl, ev: _Eval, c: Candidates, i: int, notes, eff_used: float, rate_used: str,
            considered: int, fitting: int, reason: str) -> TrainingResult:
    lay = c.layout(i, int(ev.m[i]))
    n = float(c.n[i])
    mem = MemoryBreakdown(
        weights_bytes=float(ev.weights[i]), kv_cache_bytes=0.0, activations_bytes=float(ev.acts[i]),
        gradients_bytes=float(ev.grads[i]), optimizer_bytes=float(ev.opt[i]), reserve_bytes=RUNTIME_RESERVE_BYTES,
        capacity_bytes=capacity_bytes(system.gpu),
    )
    step = float(ev.step_s[i])
    tok = float(ev.tokens_step[i])
    comm = float(ev.tp_s[i] + ev.pp_s[i] + ev.cp_s[i] + ev.ep_s[i] + ev.dp_s[i])
    compute = float(ev.compute_s[i])
    tps = tok / step
    model_flops = tok * ev.model_flops_token
    sh_lora = lora_trainable_params(arch, wl.lora_rank) if _mode(wl) in ("lora", "qlora") else arch.params_b * 1e9
    return TrainingResult(
        memory=mem, layout=lay, trainable_params=float(sh_lora), flops_per_token=ev.model_flops_token,
        hardware_flops_per_token=float(ev.hw_flops_token[i]), tokens_per_step=tok, compute_s=compute,
        bubble_s=float(ev.bubble_s[i]), pipeline_s=float(ev.pipeline_s[i]), allreduce_s=float(ev.dp_s[i]), comm_s=comm,
        exposed_comm_s=float(ev.exposed_s[i]), step_s=step, tokens_per_s=tps, train_time_s=wl.tokens / tps,
        allreduce_share=comm / (compute + comm) if comm > 0 else 0.0,
        exposed_share=float(ev.exposed_s[i]) / step if step > 0 else 0.0,
        mfu=model_flops / (step * n * ev.peak), hfu=tok * float(ev.hw_flops_token[i]) / (step * n * ev.peak),
        model_tflops_per_gpu=model_flops / step / n / 1e12, tokens_per_s_per_gpu=tps / n,
        efficiency=eff_used, compute_used=rate_used,
        comm_breakdown_s={"tp": float(ev.tp_s[i]), "pp": float(ev.pp_s[i]), "cp": float(ev.cp_s[i]),
                          "ep": float(ev.ep_s[i]), "dp": float(ev.dp_s[i])},
        layouts_considered=considered, layouts_fitting=fitting, reason=reason, notes=tuple(notes),
    )


def _search_setup(arch, system, wl, n_values, strict: bool):
    return candidates(arch, n_values, system.gpus_per_node, wl.seq_len, wl.micro_batch, wl.global_batch,
                      tp=wl.tp, pp=wl.pp, cp=wl.cp, ep=wl.ep, zero=wl.zero_stage, recompute=wl.recompute,
                      strict=strict)


def _reason(ev: _Eval, c: Candidates, idx: np.ndarray, best: int, fits: bool, capacity: float, auto: bool) -> str:
    lay = c.layout(best, int(ev.m[best]))
    if not auto:
        return f"{lay.describe()} (as set)"
    if not fits:
        return f"no layout fits: {lay.describe()} needs the least memory per GPU"
    fitting = idx[ev.total[idx] <= capacity]
    plain = fitting[(c.tp[fitting] == 1) & (c.pp[fitting] == 1) & (c.cp[fitting] == 1) & (c.ep[fitting] == 1)]
    head = f"fastest of {fitting.size} layouts that fit: {lay.describe()}"
    if c.tp[best] == 1 and c.pp[best] == 1 and c.cp[best] == 1 and c.ep[best] == 1:
        return head
    if plain.size == 0:
        dp_only = idx[(c.tp[idx] == 1) & (c.pp[idx] == 1) & (c.cp[idx] == 1) & (c.ep[idx] == 1)]
        return head + ("; pure data parallel does not fit" if dp_only.size else "")
    per_token = ev.step_s / ev.tokens_step
    ratio = per_token[plain].min() / per_token[best]
    faster = f"{ratio:.1f}x as fast as" if ratio >= 2.0 else f"{ratio - 1.0:.0%} faster than"  # present: share()
    return head + f"; {faster} the best pure data-parallel layout"


def evaluate_training(arch: ModelArch, system: SystemSpec, workload: TrainingWorkload,
                      precision: Precision | None = None, efficiency=None) -> TrainingResult:
    """Training figures on the build's GPUs, with the layout given or the fastest one that fits.

    ``efficiency``: TrainingEfficiency rows (the catalog's) or a rate -> efficiency dict; default: the calibrated
    values built into the core (training_efficiency.py).
    """
    prec = _prepare(arch, system, workload, precision)
    n = system.total_gpus
    check_manual(arch, n, workload.seq_len, workload.tp, workload.pp, workload.cp, workload.ep)
    eff = efficiency if isinstance(efficiency, dict) else efficiencies(efficiency)
    c = _search_setup(arch, system, workload, [n], strict=True)
    ev, notes = _evaluate(arch, system, workload, prec, eff, c)
    capacity = capacity_bytes(system.gpu)
    idx = np.arange(len(c))
    _, picks, any_fit = _best(ev, c, capacity)
    best, fits = int(picks[0]), bool(any_fit[0])
    rate = tensor_rate(system.gpu, prec.compute)
    used = workload.mfu if workload.mfu > 0 else eff.get(rate.used, eff["fp16"])
    reason = _reason(ev, c, idx, best, fits, capacity, len(c) > 1)
    fitting = int(np.count_nonzero(ev.total <= capacity))
    return _result(arch, system, workload, ev, c, best, notes, used, rate.used, len(c), fitting, reason)


@dataclass(frozen=True)
class TrainingSweep:
    """Arrays over the GPU counts ``gpus`` (bytes per GPU, seconds), each at its own best layout."""

    gpus: np.ndarray
    weights_bytes: np.ndarray
    gradients_bytes: np.ndarray
    optimizer_bytes: np.ndarray
    activations_bytes: np.ndarray
    reserve_bytes: float
    capacity_bytes: float
    compute_s: np.ndarray  # per optimizer step
    allreduce_s: np.ndarray  # data-parallel gradient synchronisation per step
    comm_s: np.ndarray  # every collective per step
    overlap_window_s: np.ndarray  # compute the data-parallel sync can hide behind
    step_s: np.ndarray
    tokens_per_step: np.ndarray
    tokens_per_s: np.ndarray
    train_time_s: np.ndarray
    allreduce_share: np.ndarray  # communication / (compute + communication)
    exposed_share: np.ndarray  # exposed communication / step
    mfu: np.ndarray
    tp: np.ndarray
    pp: np.ndarray
    cp: np.ndarray
    ep: np.ndarray
    dp: np.ndarray
    trainable_params: float
    flops_per_token: float
    compute_used: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total_bytes(self) -> np.ndarray:
        return (self.weights_bytes + self.gradients_bytes + self.optimizer_bytes + self.activations_bytes
                + self.reserve_bytes)

    @property
    def fits(self) -> np.ndarray:
        return self.total_bytes <= self.capacity_bytes


def training_sweep(arch: ModelArch, system: SystemSpec, workload: TrainingWorkload, gpus=None,
                   precision: Precision | None = None, efficiency=None) -> TrainingSweep:
    """Training figures for each GPU count in ``gpus`` (default: the build's total), built from the build's GPU
    type, GPUs per node and links (more GPUs than a node holds span nodes). Each count gets its own best
    layout; degrees set by hand apply where they divide the count."""
    prec = _prepare(arch, system, workload, precision)
    n = np.atleast_1d(np.asarray(system.total_gpus if gpus is None else gpus, dtype=float))
    if np.any(n < 1) or np.any(n != np.round(n)):
        raise InvalidInputError("GPU counts must be whole numbers of at least 1")
    eff = efficiency if isinstance(efficiency, dict) else efficiencies(efficiency)
    c = _search_setup(arch, system, workload, n, strict=False)
    ev, notes = _evaluate(arch, system, workload, prec, eff, c)
    capacity = capacity_bytes(system.gpu)
    counts, picks, _ = _best(ev, c, capacity)
    k = picks[np.searchsorted(counts, n.astype(int))]
    comm = ev.tp_s + ev.pp_s + ev.cp_s + ev.ep_s + ev.dp_s
    tps = ev.tokens_step / ev.step_s
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(comm > 0, comm / (ev.compute_s + comm), 0.0)
        exposed = np.where(ev.exposed_s > 0, ev.exposed_s / ev.step_s, 0.0)
    mfu = ev.tokens_step * ev.model_flops_token / (ev.step_s * c.n * ev.peak)
    mode = _mode(workload)
    trainable = lora_trainable_params(arch, workload.lora_rank) if mode in ("lora", "qlora") else arch.params_b * 1e9
    rate = tensor_rate(system.gpu, prec.compute)
    return TrainingSweep(
        gpus=n, weights_bytes=ev.weights[k], gradients_bytes=ev.grads[k], optimizer_bytes=ev.opt[k],
        activations_bytes=ev.acts[k], reserve_bytes=RUNTIME_RESERVE_BYTES, capacity_bytes=capacity,
        compute_s=ev.compute_s[k], allreduce_s=ev.dp_s[k], comm_s=comm[k], overlap_window_s=ev.window_s[k],
        step_s=ev.step_s[k], tokens_per_step=ev.tokens_step[k], tokens_per_s=tps[k],
        train_time_s=workload.tokens / tps[k], allreduce_share=share[k], exposed_share=exposed[k], mfu=mfu[k],
        tp=c.tp[k], pp=c.pp[k], cp=c.cp[k], ep=c.ep[k], dp=c.dp[k], trainable_params=float(trainable),
        flops_per_token=ev.model_flops_token, compute_used=rate.used, notes=tuple(notes),
    )


def activation_bytes(arch: ModelArch, seq_len, micro_batch, recompute: str, tp: int = 1):
    """Training activations of one GPU holding every layer (no pipeline), in bytes (Megatron's accounting, with
    sequence parallel when tp > 1): per layer ``act_coef`` x s b h / t (selective), plus the attention scores
    5 a s^2 b / t without FlashAttention (none), or 2 s b h / t with full recompute plus one layer's working
    set; plus fp32 logits s b vocab x 4 / t."""
    if recompute not in RECOMPUTE_LEVELS:
        raise InvalidInputError(f"unknown recompute '{recompute}'")
    sh = _shape(arch, int(np.max(seq_len)), "full", 16)
    s = np.asarray(seq_len, dtype=float)
    b = np.asarray(micro_batch, dtype=float)
    sbh = s * b * arch.hidden
    if recompute == "none":
        layers = arch.layers * (sh.act_coef * sbh + 5.0 * arch.heads * s * s * b)
    elif recompute == "selective":
        layers = arch.layers * sh.act_coef * sbh
    else:
        layers = arch.layers * 2.0 * sbh + sh.act_coef * sbh
    return (layers + s * b * arch.vocab * LOGIT_BYTES) / tp


def act_coefficient(arch: ModelArch) -> float:
    """Activation bytes per token per layer over the hidden size (selective recompute, no TP)."""
    return _shape(arch, 4096, "full", 16).act_coef


__all__ = ["OPTIMIZER_BYTES", "RECIPES", "TrainingResult", "TrainingSweep", "activation_bytes", "act_coefficient",
           "evaluate_training", "training_sweep", "check_context"]
