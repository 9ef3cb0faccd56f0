"""Training: memory per GPU, FLOPs, step time, data-parallel communication (SIZING.md 2 and 4).

Layout: pure data parallelism over all GPUs (ZeRO 0-3 / FSDP shards the state), no tensor or pipeline
parallelism. Every function broadcasts over the GPU count ``n`` so the GPU-count chart is one call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import ModelArch, Precision
from configurator.core.system import SystemSpec
from configurator.core.workload import OPTIMIZERS, RECOMPUTE, TRAINING_MODES, ZERO_STAGES, TrainingWorkload
from configurator.core.sizing.arch import lora_trainable_params, validate_arch
from configurator.core.sizing.hardware import (
    RUNTIME_RESERVE_BYTES, capacity_bytes, gather_s, allreduce_s, ring_path, validate_system,
)
from configurator.core.sizing.inference import MemoryBreakdown
from configurator.core.sizing.precision import standard_precision, tensor_rate

# Optimizer state bytes per trainable parameter (fp32 master copy included): AdamW 4 + 4 + 4,
# 8-bit AdamW 4 + 1 + 1, SGD with momentum 4 + 4.
OPTIMIZER_BYTES = {"adamw": 12.0, "adamw8bit": 6.0, "sgd": 8.0}
NF4_BITS = 4.13  # QLoRA base weights, NF4 with double quantization
FP8_MFU_FACTOR = 0.7  # FP8 doubles peak but not MFU: we count 70% of the MFU at the FP8 rate
QLORA_MFU_FACTOR = 0.7  # NF4 dequantisation before every matmul
LOGIT_BYTES = 4.0  # fp32 logits for the loss, per token per vocabulary entry


def _check(workload: TrainingWorkload) -> None:
    mode = "full" if workload.mode == "train" else workload.mode
    if mode not in TRAINING_MODES:
        raise InvalidInputError(f"unknown training mode '{workload.mode}' ({', '.join(TRAINING_MODES)})")
    if workload.optimizer not in OPTIMIZERS:
        raise InvalidInputError(f"unknown optimizer '{workload.optimizer}' ({', '.join(OPTIMIZERS)})")
    if workload.zero_stage not in ZERO_STAGES:
        raise InvalidInputError(f"ZeRO stage must be 0-3, not {workload.zero_stage}")
    if workload.recompute not in RECOMPUTE:
        raise InvalidInputError(f"unknown recompute '{workload.recompute}' ({', '.join(RECOMPUTE)})")
    for name in ("seq_len", "micro_batch", "global_batch"):
        if getattr(workload, name) < 1:
            raise InvalidInputError(f"{name.replace('_', ' ')} must be at least 1")
    if workload.tokens < 0:
        raise InvalidInputError("tokens to train cannot be negative")
    if not 0 < workload.mfu <= 1:
        raise InvalidInputError("MFU must be between 0 and 1")


def activation_bytes(arch: ModelArch, seq_len, micro_batch, recompute: str):
    """Training activations per GPU in bytes (16-bit; Korthikanti et al. 2022, no tensor parallelism).

    none: s b h (34 + 5 a s / h) per layer (attention scores stored: no FlashAttention);
    selective: 34 s b h per layer (attention core recomputed, which is what FlashAttention does);
    full: 2 s b h per layer (layer inputs) plus one layer's working set during its recompute.
    Plus fp32 logits for the loss: s b vocab x 4.
    """
    s = np.asarray(seq_len, dtype=float)
    b = np.asarray(micro_batch, dtype=float)
    sbh = s * b * arch.hidden
    if recompute == "none":
        per_layer = sbh * (34.0 + 5.0 * arch.heads * s / arch.hidden)
        layers = arch.layers * per_layer
    elif recompute == "selective":
        layers = arch.layers * 34.0 * sbh
    else:
        layers = arch.layers * 2.0 * sbh + 34.0 * sbh
    return layers + s * b * arch.vocab * LOGIT_BYTES


@dataclass(frozen=True)
class TrainingSweep:
    """Arrays over the GPU counts ``gpus`` (bytes per GPU, seconds)."""

    gpus: np.ndarray
    weights_bytes: np.ndarray
    gradients_bytes: np.ndarray
    optimizer_bytes: np.ndarray
    activations_bytes: np.ndarray
    reserve_bytes: float
    capacity_bytes: float
    compute_s: np.ndarray  # per optimizer step
    allreduce_s: np.ndarray  # gradient synchronisation per step (all-reduce or ZeRO equivalents)
    overlap_window_s: np.ndarray  # backward-pass time it can hide behind
    step_s: np.ndarray  # compute + the part of the communication that does not overlap
    tokens_per_step: np.ndarray
    tokens_per_s: np.ndarray
    train_time_s: np.ndarray
    allreduce_share: np.ndarray  # allreduce / (compute + allreduce): its share of a non-overlapped step
    exposed_share: np.ndarray  # non-overlapped part / step
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


def training_sweep(
    arch: ModelArch,
    system: SystemSpec,
    workload: TrainingWorkload,
    gpus=None,
    precision: Precision | None = None,
) -> TrainingSweep:
    """Training figures for each GPU count in ``gpus`` (default: the build's total), built from the
    build's GPU type, GPUs per node and links (more GPUs than a node holds span nodes)."""
    validate_arch(arch)
    validate_system(system)
    _check(workload)
    mode = "full" if workload.mode == "train" else workload.mode
    n = np.atleast_1d(np.asarray(system.total_gpus if gpus is None else gpus, dtype=float))
    if np.any(n < 1):
        raise InvalidInputError("GPU count must be at least 1")
    prec = precision or standard_precision(workload.precision)
    rate = tensor_rate(system.gpu, prec.compute)
    notes = [rate.note] if rate.note else []

    P = arch.params_b * 1e9
    active = (arch.active_params_b or arch.params_b) * 1e9
    w_b = 4.0 if prec.compute == "fp32" else 2.0
    g_b = 4.0 if (workload.fp32_grads or prec.compute == "fp32") else 2.0
    o_b = OPTIMIZER_BYTES[workload.optimizer]
    z = workload.zero_stage
    one = np.ones_like(n)
    shard_w = n if z >= 3 else one
    shard_g = n if z >= 2 else one
    shard_o = n if z >= 1 else one

    if mode in ("lora", "qlora"):
        trainable = lora_trainable_params(arch, workload.lora_rank)
        base_b = NF4_BITS / 8.0 if mode == "qlora" else 2.0
        base = P * base_b
    else:
        trainable, base_b, base = P, w_b, 0.0
    weights = (base + (trainable if mode in ("lora", "qlora") else P) * w_b) / shard_w
    if z >= 3:  # gathered-layer working buffer: current + prefetched layer, unsharded
        embed = arch.vocab * arch.hidden * (1 if arch.tied_embeddings else 2)
        layer_bytes = max(P - embed, 0.0) / arch.layers * (base_b if mode in ("lora", "qlora") else w_b)
        weights = weights + np.where(n > 1, 2.0 * layer_bytes, 0.0)
    grads = trainable * g_b / shard_g
    opt = trainable * o_b / shard_o
    acts = activation_bytes(arch, workload.seq_len, workload.micro_batch, workload.recompute) * one

    # FLOPs per token: 6 N (fwd 2 + bwd 4), LoRA 4 N (no weight gradients for the frozen base), +2 N with full
    # recompute; attention 12 L s a hd per token (PaLM MFU convention: no causal halving).
    mult = (4.0 if mode in ("lora", "qlora") else 6.0) + (2.0 if workload.recompute == "full" else 0.0)
    attn = 12.0 * arch.layers * workload.seq_len * arch.heads * arch.head_dim
    if workload.recompute == "full":
        attn *= 4.0 / 3.0
    flops_per_token = mult * active + attn
    mfu = workload.mfu
    if rate.used == "fp8":
        mfu *= FP8_MFU_FACTOR
        notes.append(f"FP8: counted at {FP8_MFU_FACTOR:.0%} of the MFU (FP8 raises peak, not MFU one-for-one)")
    if mode == "qlora":
        mfu *= QLORA_MFU_FACTOR
        notes.append(f"QLoRA: NF4 dequantisation counted as {QLORA_MFU_FACTOR:.0%} of the MFU")
    sequences = np.maximum(float(workload.global_batch), workload.micro_batch * n)
    tokens_per_step = sequences * workload.seq_len
    compute_s = tokens_per_step * flops_per_token / (n * rate.flops_per_s * mfu)

    bw, alpha = ring_path(system, n)
    grad_bytes = trainable * g_b
    if z <= 1:
        comm = allreduce_s(grad_bytes, n, bw, alpha)
    elif z == 2:  # reduce-scatter gradients + all-gather updated parameters
        comm = gather_s(grad_bytes, n, bw, alpha) + gather_s(trainable * w_b, n, bw, alpha)
    else:  # reduce-scatter gradients + all-gather of every (sharded) weight for forward and again for backward
        comm = gather_s(grad_bytes, n, bw, alpha) + 2.0 * gather_s(base + trainable * w_b, n, bw, alpha)
    comm = comm * 1.0
    backward_share = (mult - 2.0) / mult
    overlap = compute_s * backward_share
    exposed = np.maximum(comm - overlap, 0.0)
    step = compute_s + exposed
    tokens_per_s = tokens_per_step / step
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(comm > 0, comm / (compute_s + comm), 0.0)
        exposed_share = np.where(exposed > 0, exposed / step, 0.0)
    return TrainingSweep(
        gpus=n, weights_bytes=weights * one, gradients_bytes=grads * one, optimizer_bytes=opt * one,
        activations_bytes=acts, reserve_bytes=RUNTIME_RESERVE_BYTES, capacity_bytes=capacity_bytes(system.gpu),
        compute_s=compute_s, allreduce_s=comm, overlap_window_s=overlap, step_s=step,
        tokens_per_step=tokens_per_step, tokens_per_s=tokens_per_s,
        train_time_s=workload.tokens / tokens_per_s, allreduce_share=share, exposed_share=exposed_share,
        trainable_params=float(trainable), flops_per_token=float(flops_per_token), compute_used=rate.used,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class TrainingResult:
    memory: MemoryBreakdown
    trainable_params: float
    flops_per_token: float
    tokens_per_step: float
    compute_s: float
    allreduce_s: float
    step_s: float
    tokens_per_s: float
    train_time_s: float
    allreduce_share: float
    exposed_share: float
    compute_used: str
    notes: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        return self.memory.fits


def evaluate_training(arch: ModelArch, system: SystemSpec, workload: TrainingWorkload,
                      precision: Precision | None = None) -> TrainingResult:
    sw = training_sweep(arch, system, workload, None, precision)
    mem = MemoryBreakdown(
        weights_bytes=float(sw.weights_bytes[0]), kv_cache_bytes=0.0, activations_bytes=float(sw.activations_bytes[0]),
        gradients_bytes=float(sw.gradients_bytes[0]), optimizer_bytes=float(sw.optimizer_bytes[0]),
        reserve_bytes=float(sw.reserve_bytes), capacity_bytes=float(sw.capacity_bytes),
    )
    return TrainingResult(
        memory=mem, trainable_params=sw.trainable_params, flops_per_token=sw.flops_per_token,
        tokens_per_step=float(sw.tokens_per_step[0]), compute_s=float(sw.compute_s[0]),
        allreduce_s=float(sw.allreduce_s[0]), step_s=float(sw.step_s[0]), tokens_per_s=float(sw.tokens_per_s[0]),
        train_time_s=float(sw.train_time_s[0]), allreduce_share=float(sw.allreduce_share[0]),
        exposed_share=float(sw.exposed_share[0]), compute_used=sw.compute_used, notes=sw.notes,
    )
