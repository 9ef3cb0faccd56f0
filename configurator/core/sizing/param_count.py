"""Parameter counts from a model's dimensions (the layer structure of the transformers modeling code).

Used for models imported from a config.json (which states dimensions, not a parameter count) and to check the
catalog's counts (shared/data/models-2026.md section 3 gives the formulas and the exact checkpoint totals they
reproduce). Small tensors some families add are left out: attention/expert biases and sinks (gpt-oss), QK-norm
vectors (Qwen3, Gemma 3), the DeepSeek router correction bias; together they are under 0.1% of any catalog model.
"""

from __future__ import annotations

from dataclasses import dataclass

from configurator.core.parts import ModelArch


@dataclass(frozen=True)
class ParamCount:
    total: float  # every weight, all experts
    active: float  # used per token: all but the routed experts not chosen (embedding and lm_head included)
    input_embedding: float  # the input table (a lookup, no FLOPs; some publishers leave it out of "active")

    @property
    def active_without_input_embedding(self) -> float:
        return self.active - self.input_embedding


def attention_params(arch: ModelArch) -> float:
    """One layer's attention projections."""
    h, a, hd = arch.hidden, arch.heads, arch.head_dim
    if arch.attention.lower() == "mla":
        # DeepSeek-V2/V3: q (optionally through a q_lora_rank bottleneck with its norm) to a x (nope + rope);
        # kv down-projection to kv_lora_rank + rope key, its norm, up-projection to a x (nope key + value);
        # output a x v_head -> h. head_dim is qk_nope = v_head (128 in DeepSeek-V3/R1).
        rope, rank = int(arch.qk_rope_head_dim or 0), int(arch.kv_lora_rank or 0)
        q_dim = a * (hd + rope)
        q = (h * arch.q_lora_rank + arch.q_lora_rank + arch.q_lora_rank * q_dim) if arch.q_lora_rank else h * q_dim
        kv = h * (rank + rope) + rank + rank * a * (hd + hd)
        return float(q + kv + a * hd * h)
    return float(h * a * hd + 2 * h * arch.kv_heads * hd + a * hd * h)


def ffn_params(hidden: int, width: int) -> float:
    """A gated (SwiGLU / GeGLU) FFN: gate, up and down projections."""
    return 3.0 * hidden * width


def count_params(arch: ModelArch) -> ParamCount:
    h, L = arch.hidden, arch.layers
    embed = float(arch.vocab) * h
    head = 0.0 if arch.tied_embeddings else embed
    attn = attention_params(arch) * L
    norms = 2.0 * h * L + h
    moe = arch.moe_layer_count
    dense = L - moe
    dense_width = arch.dense_intermediate or arch.intermediate
    total = embed + head + attn + norms + dense * ffn_params(h, dense_width)
    active = total
    if moe:
        e, k = int(arch.experts or 0), int(arch.experts_active or 0)
        shared = int(arch.shared_experts or 0)
        expert = ffn_params(h, arch.expert_intermediate or arch.intermediate)
        router = float(h) * e
        total += moe * ((e + shared) * expert + router)
        active += moe * ((k + shared) * expert + router)
    return ParamCount(total=total, active=active, input_embedding=embed)
