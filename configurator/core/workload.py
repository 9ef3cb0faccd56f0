"""What the user wants to run: an inference or a training workload (SIZING.md section 1).

Plain data; the sizing core evaluates it on a SystemSpec, the build file stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from configurator.core.errors import InvalidInputError

INFERENCE = "inference"
TRAINING = "training"
TRAINING_MODES = ("full", "lora", "qlora", "pretrain")
ZERO_STAGES = (0, 1, 2, 3)  # 3 = ZeRO-3 / FSDP full shard
ZERO_AUTO = -1  # zero_stage: let the layout search choose (core/sizing/training.py)
ZERO_CHOICES = (ZERO_AUTO, *ZERO_STAGES)
RECOMPUTE = ("auto", "none", "selective", "full")  # auto: the layout search chooses
AUTO = 0  # tp / pp / cp / ep: chosen by the layout search
OPTIMIZERS = ("adamw", "adamw8bit", "sgd")
PARALLEL = ("tp", "layer")
ENGINES = ("llama.cpp", "vllm", "trtllm", "sglang")
CUSTOM_MODEL_ID = "custom"  # model_id meaning "the architecture in Workload.custom", not a catalog model


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
    zero_stage: int = ZERO_AUTO  # 0-3, or ZERO_AUTO
    recompute: str = "auto"
    optimizer: str = "adamw"
    lora_rank: int = 16
    # Compute efficiency: the share of the dense peak the kernels reach while computing (before pipeline
    # bubbles and exposed communication). 0 = the calibrated default (db/training_efficiency.csv); the
    # resulting MFU is an output of the sizing (SIZING.md 4).
    mfu: float = 0.0
    fp32_grads: bool = False  # 18-byte convention instead of 16 (SIZING.md 2)
    # Model-parallel layout (SIZING.md 4): tensor, pipeline, context and expert parallel degrees; AUTO (0) lets
    # the layout search choose; data parallel takes the remaining GPUs.
    tp: int = AUTO
    pp: int = AUTO
    cp: int = AUTO
    ep: int = AUTO


@dataclass(frozen=True)
class CustomModel:
    """A model the catalog does not have, entered by the user (SIZING.md 1: at least params, layers,
    hidden, KV heads and head_dim). Dense GQA; the sizing core derives the rest."""

    name: str = "Custom model"
    params_b: float = 7.0  # billions of parameters
    layers: int = 32
    hidden: int = 4096
    heads: int = 32
    kv_heads: int = 8
    head_dim: int = 128


@dataclass(frozen=True)
class Workload:
    kind: str = INFERENCE  # "inference" or "training"
    inference: InferenceWorkload = field(default_factory=InferenceWorkload)
    training: TrainingWorkload = field(default_factory=TrainingWorkload)
    custom: CustomModel = field(default_factory=CustomModel)  # used where model_id == CUSTOM_MODEL_ID


# -- several workloads per build ------------------------------------------------------------------------
# A build keeps an ordered list of named workloads ("full fine-tune 13B now, LoRA 70B later"), one of them
# selected: the window's panel edits it and the charts follow it; every workload is sized and checked.
MAX_WORKLOADS = 16  # per build: a real build has one to four; more is a hand-edited or generated file
MAX_NAME_CHARS = 80  # a workload's name fits a list row, a verdict cell and a PDF heading


@dataclass(frozen=True)
class NamedWorkload:
    """One workload of a build. ``name`` "" means unnamed: the workload is shown by what it is (its kind and
    model, configurator.present.sentences.workload_title), so the label never goes stale when the mode or
    the model changes."""

    name: str = ""
    workload: Workload = field(default_factory=Workload)


def check_name(name: str) -> str:
    """A workload's name as kept: trimmed, one line, at most MAX_NAME_CHARS ("" = unnamed)."""
    if not isinstance(name, str):
        raise InvalidInputError(f"a workload name is text, not {type(name).__name__}")
    text = " ".join(name.split())  # line breaks and runs of spaces become single spaces
    if len(text) > MAX_NAME_CHARS:
        raise InvalidInputError(f"a workload name has at most {MAX_NAME_CHARS} characters, not {len(text)}")
    return text
