"""Vectorised sweeps for the live charts: one call evaluates a whole grid with numpy broadcasting.

users x contexts (decode throughput and memory fit), contexts (users that fit), prompts (TTFT), GPU counts
(training time and communication share: ``training_sweep`` in training.py). No Python loop per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.sizing.hardware import IDEAL
from configurator.core.sizing.inference import InferenceSetup, MemoryBreakdown

DEFAULT_USERS = np.arange(1, 513, dtype=float)
DEFAULT_CONTEXTS = np.array([512, 1024, 2048, 4096, 8192, 12288, 16384, 24576, 32768, 49152, 65536, 98304,
                             131072, 196608, 262144, 524288], dtype=float)
DEFAULT_PROMPTS = np.array([128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072], dtype=float)
DEFAULT_GPU_COUNTS = np.arange(1, 65, dtype=float)


def _grid(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidInputError(f"{name} must be a non-empty list of numbers")
    if np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise InvalidInputError(f"{name} cannot be negative")
    return arr


@dataclass(frozen=True)
class DecodeSweep:
    """Arrays of shape (len(users), len(contexts))."""

    users: np.ndarray
    contexts: np.ndarray
    step_s: np.ndarray
    ceiling_step_s: np.ndarray
    per_user_tokens_per_s: np.ndarray
    aggregate_tokens_per_s: np.ndarray
    ceiling_tokens_per_s: np.ndarray  # per user
    kv_cache_bytes: np.ndarray  # per GPU
    total_bytes: np.ndarray  # per GPU, everything
    fits: np.ndarray  # bool


def decode_sweep(setup: InferenceSetup, users=DEFAULT_USERS, contexts=DEFAULT_CONTEXTS,
                 prompt: float = 1024.0) -> DecodeSweep:
    """Decode speed and memory fit for every (users, context) pair: the tok/s-vs-users chart."""
    u = _grid(users, "users")[:, None]
    c = _grid(contexts, "contexts")[None, :]
    if np.any(u < 1):
        raise InvalidInputError("users must be at least 1")
    step, _ = setup.decode(u, c)
    ceil, _ = setup.decode(u, c, IDEAL)
    kv = setup.kv(u, c)
    act = setup.activations(u, prompt)
    total = setup.weights + kv + act + setup.reserve(u, prompt)
    return DecodeSweep(
        users=u[:, 0], contexts=c[0], step_s=step, ceiling_step_s=ceil, per_user_tokens_per_s=1.0 / step,
        aggregate_tokens_per_s=u / step, ceiling_tokens_per_s=1.0 / ceil, kv_cache_bytes=kv,
        total_bytes=total, fits=total <= setup.capacity,
    )


def memory_breakdown(setup: InferenceSetup, users: int, context: int, prompt: int = 1024) -> MemoryBreakdown:
    """Stacked memory per GPU for the memory-fit chart (inference)."""
    return MemoryBreakdown(
        weights_bytes=setup.weights, kv_cache_bytes=float(setup.kv(users, context)),
        activations_bytes=float(setup.activations(users, prompt)), gradients_bytes=0.0, optimizer_bytes=0.0,
        reserve_bytes=float(setup.reserve(users, prompt)), capacity_bytes=setup.capacity,
    )


@dataclass(frozen=True)
class UsersFitSweep:
    contexts: np.ndarray
    max_users: np.ndarray  # concurrent users whose KV fits at each context


def users_fit_sweep(setup: InferenceSetup, contexts=DEFAULT_CONTEXTS, prompt: float = 1024.0) -> UsersFitSweep:
    """Users that fit vs context length (closed form, no search)."""
    c = _grid(contexts, "contexts")
    return UsersFitSweep(c, setup.max_users(c, np.minimum(prompt, np.maximum(c, 1.0))))


@dataclass(frozen=True)
class TtftSweep:
    prompts: np.ndarray
    prefill_s: np.ndarray
    ceiling_prefill_s: np.ndarray
    prefill_tokens_per_s: np.ndarray
    ttft_s: np.ndarray


def ttft_sweep(setup: InferenceSetup, prompts=DEFAULT_PROMPTS, users: int = 1) -> TtftSweep:
    """Time to first token vs prompt length: prefill + one decode step (queueing ignored)."""
    s = np.maximum(_grid(prompts, "prompts"), 1.0)
    pre = setup.prefill(s)
    step, _ = setup.decode(float(users), s)
    return TtftSweep(s, pre, setup.prefill(s, IDEAL), s / pre, pre + step)


@dataclass(frozen=True)
class ChartGrid:
    decode: DecodeSweep
    users_fit: UsersFitSweep
    ttft: TtftSweep
    memory: MemoryBreakdown


def chart_grid(setup: InferenceSetup, users: int = 1, context: int = 8192, prompt: int = 1024,
               users_axis=DEFAULT_USERS, contexts=DEFAULT_CONTEXTS, prompts=DEFAULT_PROMPTS) -> ChartGrid:
    """Everything the inference charts redraw after one change (the live-chart budget is < 2 ms)."""
    return ChartGrid(
        decode=decode_sweep(setup, users_axis, contexts, prompt),
        users_fit=users_fit_sweep(setup, contexts, prompt),
        ttft=ttft_sweep(setup, prompts, users),
        memory=memory_breakdown(setup, users, context, prompt),
    )
