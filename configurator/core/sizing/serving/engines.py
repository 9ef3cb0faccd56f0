"""How each serving engine admits requests, batches tokens and frees memory under load (SIZING.md 3b).

These are the engines' documented or coded defaults, each with its source; the simulation
(``simulate.py``) follows them. Numbers that describe speed (efficiencies, host costs) are not here: they are
calibrated (db/engine_efficiency.csv).

Policies:
- ``paged`` (vLLM): the KV pool is paged in 16-token blocks inside ``gpu_memory_utilization`` (0.9); a request
  is admitted when the pool has blocks for its prompt; as contexts grow and the pool runs out, the most recently
  admitted running request is preempted (recompute mode: its blocks are freed, it re-queues at the front and
  later re-prefills prompt + tokens generated so far). Chunked prefill: running requests' decode tokens first,
  then prompt chunks, up to ``max_num_batched_tokens`` per step.
- ``paged_estimate`` (SGLang): a token-granular pool inside ``mem_fraction_static``; a request is admitted only
  when the pool also holds ``new_token_ratio`` x the remaining output of every running request and of itself;
  the ratio starts at 0.7, decays to 0.7 x 0.14 over 600 steps and is reset when a decode step runs out of
  memory and retracts a request (as vLLM's preemption).
- ``reserve_full`` (TensorRT-LLM ``GUARANTEED_NO_EVICT``, its default capacity policy): a request is admitted
  only if the pool can hold its prompt plus its full maximum output from the start; nothing is ever evicted, so
  it admits fewer requests than the pool could hold on average.
- ``slots`` (llama.cpp ``llama-server``): a fixed number of slots (default "auto": 4 with one unified KV cache
  that all slots share); a request waits for a free slot and for room in the shared context.
"""

from __future__ import annotations

from dataclasses import dataclass

from configurator.core.units import GIB

PAGED, PAGED_ESTIMATE, RESERVE_FULL, SLOTS = "paged", "paged_estimate", "reserve_full", "slots"


@dataclass(frozen=True)
class EnginePolicy:
    engine_id: str
    admission: str  # PAGED, PAGED_ESTIMATE, RESERVE_FULL or SLOTS
    preempts: bool  # frees a running request's KV when the pool runs out
    block_tokens: int  # KV allocation granule per request
    token_budget: int  # tokens per step (decode + prompt chunks)
    max_seqs: int  # running requests at most
    slots: int = 0  # llama.cpp: fixed slots
    new_token_ratio: float = 0.0  # SGLang: initial share of remaining output reserved per running request
    new_token_ratio_min: float = 0.0
    new_token_ratio_decay_steps: float = 1.0
    source: str = ""


def policy(engine_id: str, gpu_memory_gb: float, slots: int | None = None) -> EnginePolicy:
    """The engine's defaults on a GPU of ``gpu_memory_gb`` (some engines pick their budgets by GPU memory)."""
    mem = float(gpu_memory_gb) * GIB
    if engine_id == "vllm":
        big = mem >= 70 * GIB  # vLLM V1 EngineArgs.get_batch_defaults: >= 70 GiB and not an A100 -> large
        return EnginePolicy(
            "vllm", PAGED, True, 16, 8192 if big else 2048, 1024 if big else 256,
            source="vllm/engine/arg_utils.py get_batch_defaults (OpenAI server: max_num_batched_tokens 8192 and "
                   "max_num_seqs 1024 on >= 70 GiB GPUs other than A100, else 2048 / 256); block_size 16; "
                   "preemption RECOMPUTE (docs.vllm.ai optimization guide)")
    if engine_id == "sglang":
        budget = 2048 if mem < 35 * GIB else (8192 if mem < 160 * GIB else 16384)
        return EnginePolicy(
            "sglang", PAGED_ESTIMATE, True, 1, budget, 4096, new_token_ratio=0.7, new_token_ratio_min=0.7 * 0.14,
            new_token_ratio_decay_steps=600.0,
            source="sglang/srt/server_args.py chunked_prefill_size by GPU memory (2048 < 35 GB, 8192 < 160 GB, "
                   "else 16384); global_config default_init_new_token_ratio 0.7, min factor 0.14, decay steps 600; "
                   "max_running_requests capped here at 4096")
    if engine_id == "trtllm":
        return EnginePolicy(
            "trtllm", RESERVE_FULL, False, 32, 8192, 2048,
            source="TensorRT-LLM SchedulerConfig.capacity_scheduler_policy default GUARANTEED_NO_EVICT; "
                   "BuildConfig max_batch_size 2048, max_num_tokens 8192; tokens_per_block 32")
    if engine_id == "llama.cpp":
        n = int(slots) if slots else 4
        return EnginePolicy(
            "llama.cpp", SLOTS, False, 1, 2048, n, slots=n,
            source="llama.cpp tools/server/server.cpp: --parallel auto = 4 slots with kv_unified (one context "
                   "shared by the slots); --batch-size 2048 tokens per decode call; continuous batching on")
    raise KeyError(engine_id)


ENGINE_IDS = ("llama.cpp", "vllm", "sglang", "trtllm")
