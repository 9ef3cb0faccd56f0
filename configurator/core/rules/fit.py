"""Does the workload fit the build: findings from the sizing figures (the rules in this package's other
modules need only the build; these need the analysis' memory figures).

- WORKLOAD_DOES_NOT_FIT (error, blocks the quote): the weights alone, or one user's KV cache at the chosen
  context next to them, or the training state, need more memory per GPU than a GPU holds. No speed figure is
  printed for such a workload (present.inference_rows / training_rows leave them out).
- USERS_EXCEED_MEMORY (warning): at least one user fits, but fewer than the workload asks for.
"""

from __future__ import annotations

from configurator.core.rules.findings import Finding, error, warning
from configurator.present import count, memory

DOES_NOT_FIT = "WORKLOAD_DOES_NOT_FIT"
USERS_EXCEED = "USERS_EXCEED_MEMORY"


def inference_fit(model_name: str, result, users: int, context_tokens: int, gpu_id: str) -> list[Finding]:
    mem = result.memory
    if result.max_users_at_context >= 1 and mem.fits:
        return []
    fixed = mem.total_bytes - mem.kv_cache_bytes
    if result.max_users_at_context < 1:
        if fixed > mem.capacity_bytes or mem.weights_bytes >= mem.capacity_bytes:
            text = (f"{model_name} does not fit: its weights and buffers alone need {memory(fixed)} per GPU; "
                    f"each GPU holds {memory(mem.capacity_bytes)}. Add GPUs, choose GPUs with more memory, "
                    f"or a smaller weight precision.")
        else:
            text = (f"{model_name} does not fit: next to its weights there is no room for one user's KV cache at "
                    f"{context_tokens:,} tokens ({memory(mem.capacity_bytes)} per GPU). Shorten the context, "
                    f"use a smaller KV precision, or add GPUs.")
        return [error(DOES_NOT_FIT, text, gpu_id)]
    return [warning(USERS_EXCEED, f"Only {count(result.max_users_at_context, 'user')} of the {users:,} asked for fit "
                    f"at {context_tokens:,} tokens each; the speed figures are for {count(users, 'user')} as asked.",
                    gpu_id)]


def training_fit(model_name: str, result, gpu_id: str) -> list[Finding]:
    mem = result.memory
    if mem.fits:
        return []
    return [error(DOES_NOT_FIT, f"Training {model_name} does not fit: the training state needs "
                  f"{memory(mem.total_bytes)} per GPU; each GPU holds {memory(mem.capacity_bytes)}. Shard it over "
                  f"more GPUs (a higher ZeRO stage), recompute activations, or shorten the sequences.", gpu_id)]
