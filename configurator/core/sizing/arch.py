"""Per-model figures the sizing formulas use (SIZING.md sections 2-3), derived once per model and precision.

Everything here is plain arithmetic on a ``ModelArch``: parameter bytes, KV-cache bytes per token (GQA, MLA,
sliding windows), MoE expert accounting, attention FLOPs, LoRA trainable parameters. A custom model is simply
a ``ModelArch`` built by hand (see ``custom_arch``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import ModelArch

B = 1e9


def sliding_layers(arch: ModelArch) -> int:
    """How many layers cap their KV cache at the sliding window.

    Gemma-2 alternates local (windowed) and global layers, so half its layers slide; Mistral-7B v0.1 slides on
    every layer. ModelArch has no pattern field, so: an explicit ``sliding_window_layers`` attribute wins
    (custom models, or a future catalog column); otherwise models whose source says "alternating" (Gemma-2)
    slide on half the layers (rounded down) and any other model with a window slides on all.
    """
    if not arch.sliding_window:
        return 0
    explicit = getattr(arch, "sliding_window_layers", None)
    if explicit is not None:
        return max(0, min(int(explicit), arch.layers))
    if "alternating" in (arch.source or "").lower() or arch.id.startswith("gemma-2"):
        return arch.layers // 2
    return arch.layers


@dataclass(frozen=True)
class ArchFigures:
    """Byte and FLOP coefficients of one model at one weight and one KV precision (all plain floats)."""

    layers: int
    hidden: int
    heads: int
    vocab: int
    params: float  # total parameters (all experts)
    active_params: float  # per token
    weight_bytes: float  # resident: all experts
    read_fixed_bytes: float  # read every decode step whatever the batch (dense part, lm_head; no input table)
    expert_bytes: float  # one routed expert summed over all MoE layers (0 for dense models)
    experts: int  # routed experts per MoE layer (0 dense)
    experts_active: int  # routed experts per token
    kv_heads_eff: int  # KV heads that TP can split (MLA: 1, its latent is replicated on every rank)
    kv_global_b: float  # KV bytes per context token over the full-attention layers
    kv_window_b: float  # KV bytes per context token over the sliding layers (capped at window tokens)
    window: float  # sliding window in tokens (inf when none)
    attn_global_f: float  # decode attention FLOPs per context token per generated token, full layers
    attn_window_f: float  # same for the sliding layers
    global_layers: int
    window_layers: int
    bytes_per_weight: float
    kv_bytes_per_value: float
    ffn: float = 0.0  # widest FFN activation per token (MoE: active + shared experts)
    # Prefill attention FLOPs per (query, key) pair, full and sliding layers summed; < 0: same as the decode
    # coefficients. They differ for MLA, whose decode runs absorbed over the latent and whose prefill does not.
    pre_global_f: float = -1.0
    pre_window_f: float = -1.0

    def kv_bytes_per_user(self, context):
        """KV bytes one user holds at ``context`` tokens (broadcasts over arrays)."""
        c = np.asarray(context, dtype=float)
        return self.kv_global_b * c + self.kv_window_b * np.minimum(c, self.window)

    def attention_flops(self, context):
        """Decode attention FLOPs for one generated token attending ``context`` tokens (4 x ctx x a x hd per layer)."""
        c = np.asarray(context, dtype=float)
        return self.attn_global_f * c + self.attn_window_f * np.minimum(c, self.window)

    def prefill_attention_flops(self, prompt):
        """Causal attention FLOPs of a prompt: 2 x L x s^2 x a x hd (window layers count only in-window pairs)."""
        s = np.asarray(prompt, dtype=float)
        pairs_full = s * s / 2.0
        w = self.window
        pairs_win = np.where(s <= w, s * s / 2.0, w * s - (w * w / 2.0 if math.isfinite(w) else 0.0))
        return self.prefill_pair_global_f * pairs_full + self.prefill_pair_window_f * pairs_win

    @property
    def prefill_pair_global_f(self) -> float:
        return self.pre_global_f if self.pre_global_f >= 0 else self.attn_global_f

    @property
    def prefill_pair_window_f(self) -> float:
        return self.pre_window_f if self.pre_window_f >= 0 else self.attn_window_f

    def experts_touched(self, batch):
        """Expected distinct routed experts per MoE layer at batch B: E (1 - (1 - k/E)^B); k at B = 1."""
        if not self.experts:
            return np.zeros_like(np.asarray(batch, dtype=float))
        b = np.asarray(batch, dtype=float)
        e, k = float(self.experts), float(self.experts_active)
        return e * (1.0 - np.power(1.0 - k / e, b))

    def read_bytes(self, batch):
        """Weight bytes one decode step reads at batch B (MoE: the experts touched; dense: all but the input table)."""
        return self.read_fixed_bytes + self.expert_bytes * self.experts_touched(batch)


def kv_bytes_per_token(arch: ModelArch, kv_bytes_per_value: float) -> float:
    """Bytes of KV cache per token with every layer counted (no window cap): the headline figure.

    GQA: 2 x L x kv x head_dim x bytes (K and V). MLA: L x (kv_lora_rank + qk_rope_head_dim) x bytes.
    """
    if arch.attention.lower() == "mla":
        return arch.layers * ((arch.kv_lora_rank or 0) + (arch.qk_rope_head_dim or 0)) * kv_bytes_per_value
    return 2.0 * arch.layers * arch.kv_heads * arch.head_dim * kv_bytes_per_value


def validate_arch(arch: ModelArch) -> None:
    for name in ("hidden", "layers", "heads", "kv_heads", "head_dim"):
        if getattr(arch, name) is None or getattr(arch, name) <= 0:
            raise InvalidInputError(f"model '{arch.id}': {name} must be a positive number")
    if arch.params_b is None or arch.params_b <= 0:
        raise InvalidInputError(f"model '{arch.id}': params_b must be positive")
    if arch.active_params_b is not None and arch.active_params_b > arch.params_b * 1.0001:
        raise InvalidInputError(f"model '{arch.id}': active parameters exceed total parameters")
    if arch.attention.lower() == "mla" and not (arch.kv_lora_rank and arch.qk_rope_head_dim):
        raise InvalidInputError(f"model '{arch.id}': MLA needs kv_lora_rank and qk_rope_head_dim")


@lru_cache(maxsize=512)
def arch_figures(arch: ModelArch, bytes_per_weight: float, kv_bytes_per_value: float) -> ArchFigures:
    validate_arch(arch)
    if bytes_per_weight <= 0 or kv_bytes_per_value <= 0:
        raise InvalidInputError("bytes per weight and per KV value must be positive")
    params = arch.params_b * B
    active = (arch.active_params_b or arch.params_b) * B
    # Input embedding table: one row per token is read, not the table (tied: it is the lm_head, read whole).
    input_table = 0.0 if arch.tied_embeddings else float(arch.vocab) * arch.hidden
    experts = int(arch.experts or 0)
    k = int(arch.experts_active or 0)
    if experts and experts > k > 0:
        # One routed expert summed over the MoE layers, from the published counts: total - active = (E - k) x that.
        expert_params = (params - active) / (experts - k)
        fixed_params = active - k * expert_params
    else:
        experts, k, expert_params, fixed_params = 0, 0, 0.0, active
    fixed_params = max(fixed_params - input_table, 0.0)

    win_layers = sliding_layers(arch)
    glob_layers = arch.layers - win_layers
    if arch.attention.lower() == "mla":
        per_layer_kv = ((arch.kv_lora_rank or 0) + (arch.qk_rope_head_dim or 0)) * kv_bytes_per_value
        kv_eff = 1
    else:
        per_layer_kv = 2.0 * arch.kv_heads * arch.head_dim * kv_bytes_per_value
        kv_eff = arch.kv_heads
    attn_per_layer = 4.0 * arch.heads * arch.head_dim  # QK^T and PV, 2 FLOPs per multiply-add each
    pre_per_layer = attn_per_layer
    if arch.attention.lower() == "mla":
        # Absorbed MLA decode (DeepSeek-V2 paper; FlashMLA): every head scores the query against the latent
        # (kv_lora_rank + rope dims) and reads the latent again as values: 2 x heads x (2 x kv_lora_rank + rope)
        # per context token per layer, about 4x the 4 x heads x head_dim of the GQA formula.
        rank, rope = float(arch.kv_lora_rank or 0), float(arch.qk_rope_head_dim or 0)
        attn_per_layer = 2.0 * arch.heads * (2.0 * rank + rope)
        # Prefill decompresses K/V and runs ordinary attention: QK over qk_nope + rope dims, PV over v_head dims
        # (DeepSeek-V3: qk_nope = v_head = head_dim 128, rope 64).
        pre_per_layer = 2.0 * arch.heads * (2.0 * arch.head_dim + rope)
    return ArchFigures(
        layers=arch.layers,
        hidden=arch.hidden,
        heads=arch.heads,
        vocab=arch.vocab,
        params=params,
        active_params=active,
        weight_bytes=params * bytes_per_weight,
        read_fixed_bytes=fixed_params * bytes_per_weight,
        expert_bytes=expert_params * bytes_per_weight,
        experts=experts,
        experts_active=k,
        kv_heads_eff=kv_eff,
        kv_global_b=per_layer_kv * glob_layers,
        kv_window_b=per_layer_kv * win_layers,
        window=float(arch.sliding_window) if win_layers else math.inf,
        attn_global_f=attn_per_layer * glob_layers,
        attn_window_f=attn_per_layer * win_layers,
        pre_global_f=pre_per_layer * glob_layers,
        pre_window_f=pre_per_layer * win_layers,
        global_layers=glob_layers,
        window_layers=win_layers,
        bytes_per_weight=bytes_per_weight,
        kv_bytes_per_value=kv_bytes_per_value,
        ffn=float(max(arch.dense_intermediate or 0,
                      (k + int(arch.shared_experts or 0)) * (arch.expert_intermediate or 0)) if experts
                  else arch.intermediate),
    )


def lora_trainable_params(arch: ModelArch, rank: int) -> float:
    """LoRA adapters on every linear layer (q, k, v, o, gate, up, down; as QLoRA does): sum of r (d_in + d_out).

    MoE layers adapt every routed and shared expert. MLA projections are approximated by heads x head_dim.
    """
    if rank <= 0:
        raise InvalidInputError("LoRA rank must be positive")
    h, hd = arch.hidden, arch.head_dim
    q = h + arch.heads * hd
    kv = 2 * (h + arch.kv_heads * hd)
    o = arch.heads * hd + h
    attn = q + kv + o
    moe_layers = 0
    if arch.experts:
        moe_layers = arch.layers - int(arch.dense_layers or 0)
    dense_layers = arch.layers - moe_layers
    dense_ffn = 3 * (h + (arch.dense_intermediate or arch.intermediate))
    moe_ffn = 0
    if moe_layers:
        n_exp = int(arch.experts or 0) + int(arch.shared_experts or 0)
        moe_ffn = n_exp * 3 * (h + (arch.expert_intermediate or arch.intermediate))
    per_model = arch.layers * attn + dense_layers * dense_ffn + moe_layers * moe_ffn
    return float(rank) * per_model


def custom_arch(
    params_b: float,
    layers: int,
    hidden: int,
    kv_heads: int,
    head_dim: int,
    heads: int | None = None,
    intermediate: int | None = None,
    vocab: int = 32000,
    active_params_b: float | None = None,
    sliding_window: int | None = None,
    id: str = "custom",
    name: str = "Custom model",
) -> ModelArch:
    """A user-entered model: at least params, layers, hidden, KV heads and head_dim (SIZING.md 1)."""
    return ModelArch(
        id=id, name=name, hidden=int(hidden), layers=int(layers),
        heads=int(heads or max(1, hidden // head_dim)), kv_heads=int(kv_heads), head_dim=int(head_dim),
        intermediate=int(intermediate or 4 * hidden), vocab=int(vocab), tied_embeddings=False,
        experts=None, experts_active=None, shared_experts=None, expert_intermediate=None, dense_layers=None,
        dense_intermediate=None, attention="gqa", kv_lora_rank=None, qk_rope_head_dim=None,
        sliding_window=sliding_window, params_b=float(params_b),
        active_params_b=float(active_params_b if active_params_b is not None else params_b), source="user input",
    )
