"""Checks a workload must pass before its figures mean anything (issue 14), shared by the CLI and the core.

- a context longer than the model's max position embeddings does not "fit": the model cannot attend that far;
- TensorRT-LLM builds only for NVIDIA GPUs;
- tensor parallelism splits attention by heads: TP must divide the attention heads, and the KV heads must split
  evenly or replicate evenly (vLLM's rule); otherwise the plan falls back to the largest TP that does, with the
  rest as pipeline stages (6 GPUs and 64 heads: TP 2 x PP 3);
- FP4 / MXFP4 weights on a GPU without FP4 tensor cores run weight-only (W4A16): dequantised to 16-bit before
  each matmul, at the 16-bit rate (core/sizing/precision.py says so in its note); they are not refused.
"""

from __future__ import annotations

import dataclasses

from configurator.core.errors import InvalidInputError
from configurator.core.parts import Engine, ModelArch
from configurator.core.system import SystemSpec
from configurator.core.sizing.layout import divisors


def check_context(arch: ModelArch, context_tokens: int, what: str = "context") -> None:
    if arch.max_context and context_tokens > arch.max_context:
        raise InvalidInputError(f"{what} of {context_tokens:,} tokens is beyond {arch.name}'s maximum context of "
                                f"{arch.max_context:,} tokens (max_position_embeddings)")


def check_engine(engine: Engine | None, system: SystemSpec) -> None:
    if engine is not None and engine.id == "trtllm" and system.gpu.vendor.upper() != "NVIDIA":
        raise InvalidInputError(f"TensorRT-LLM runs only on NVIDIA GPUs, not on the {system.gpu.name} "
                                f"(use vllm or sglang on {system.gpu.vendor})")


def heads_split(arch: ModelArch, tp: int) -> bool:
    """Can TP ``tp`` split this model's attention? Heads divide by tp; KV heads divide by tp or tp by them
    (replicated KV heads, as vLLM does). MLA keeps one latent per token: only the heads matter."""
    if tp <= 1:
        return True
    if arch.heads % tp:
        return False
    if arch.attention.lower() == "mla":
        return True
    kv = arch.kv_heads
    return kv % tp == 0 if tp <= kv else tp % kv == 0


def inference_plan(arch: ModelArch, system: SystemSpec, engine: Engine | None, plan):
    """(plan, notes): the engine check, then a tensor-parallel plan whose TP the heads allow (else the largest
    TP of the replica's GPUs that they allow, the remaining GPUs as pipeline stages)."""
    check_engine(engine, system)
    if plan.mode != "tp" or heads_split(arch, plan.tp):
        return plan, []
    gpus = plan.tp * plan.pp
    tp = max(d for d in divisors(plan.tp) if heads_split(arch, d))
    pp = gpus // tp
    why = (f"{arch.heads} attention heads" if arch.heads % plan.tp else f"{arch.kv_heads} KV heads")
    note = f"TP {plan.tp} does not divide {arch.name}'s {why}: TP {tp} x PP {pp} instead"
    return dataclasses.replace(plan, tp=tp, pp=pp), [note]
