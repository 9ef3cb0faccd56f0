"""What the user wants to run: an inference or a training workload (SIZING.md section 1).

Plain data; the sizing core evaluates it on a SystemSpec, the build file stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INFERENCE = "inference"
TRAINING = "training"
TRAINING_MODES = ("full", "lora", "qlora", "pretrain")
ZERO_STAGES = (0, 1, 2, 3)  # 3 = ZeRO-3 / FSDP full shard
RECOMPUTE = ("none", "selective", "full")
OPTIMIZERS = ("adamw", "adamw8bit", "sgd")
PARALLEL = ("tp", "layer")
ENGINES = ("llama.cpp", "vllm", "trtllm", "sglang")


@dataclass(frozen=True)
class InferenceWorkload:
    model_id: str = "llama-3.1-70b"
    precision: str = "q4_k_m"  # weight precision id
    kv_precision: str = "fp16"
    context_tokens: int = 8192  # tokens each user holds when figures are taken
    users: int = 1  # concurrent users decoding in the same step
    prompt_tokens: int = 1024
    output_tokens: int = 512
    engine: str = "llama.cpp"
    parallel: str = "layer"  # "tp" or "layer" (llama.cpp split)


@dataclass(frozen=True)
class TrainingWorkload:
    mode: str = "lora"  # full, lora, qlora, pretrain
    model_id: str = "llama-3.1-8b"
    precision: str = "bf16"  # compute / weight precision of the trainable copy
    tokens: float = 1e9  # tokens to train on
    seq_len: int = 4096
    micro_batch: int = 1
    global_batch: int = 64  # sequences per optimizer step
    zero_stage: int = 0
    recompute: str = "selective"
    optimizer: str = "adamw"
    lora_rank: int = 16
    mfu: float = 0.40  # model FLOPs utilisation: a visible, editable assumption (SIZING.md 4)
    fp32_grads: bool = False  # 18-byte convention instead of 16 (SIZING.md 2)


@dataclass(frozen=True)
class Workload:
    kind: str = INFERENCE  # "inference" or "training"
    inference: InferenceWorkload = field(default_factory=InferenceWorkload)
    training: TrainingWorkload = field(default_factory=TrainingWorkload)
