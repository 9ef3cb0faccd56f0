"""What the visitor asked for, and which branch of the decision tree it falls in (DESIGN.md section 5).

Branches (the seed article's decision tree):
- ``workstation_inference``: inference for a small team -> a tower workstation (RTX PRO 6000 class cards);
- ``server_inference``: production serving (more users than a small team, or a model no tower holds)
  -> an SXM server of H200-class GPUs (HBM, at least the H200's 4.8 TB/s per GPU);
- ``workstation_finetune``: LoRA / QLoRA (plus inference on the same box) -> a workstation with one or two
  RTX PRO 6000-class cards (more cards, then a server, only when those do not fit);
- ``server_finetune``: full fine-tuning -> 4-8 SXM GPUs with NVLink, or several such nodes;
- ``cluster_pretrain``: pretraining -> multi-node clusters of 8-GPU NVLink nodes, one NDR NIC per GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from configurator.core.errors import InvalidInputError
from configurator.core.money import to_decimal

MODES = ("infer", "train", "lora", "qlora", "pretrain")
TRAINING_MODE = {"train": "full", "lora": "lora", "qlora": "qlora", "pretrain": "pretrain"}
SMALL_TEAM_USERS = 16  # up to this many concurrent users is "a small team" (a workstation can serve them)
FINETUNE_TOKENS = 1e8  # default fine-tuning set when none is given (100M tokens: a few 100k examples)
CHINCHILLA_TOKENS_PER_PARAM = 20  # default pretraining tokens (Hoffmann et al. 2022: compute-optimal)
MAX_USERS = 100_000
MAX_CONTEXT = 1 << 20

WORKSTATION_INFERENCE = "workstation_inference"
SERVER_INFERENCE = "server_inference"
WORKSTATION_FINETUNE = "workstation_finetune"
SERVER_FINETUNE = "server_finetune"
CLUSTER_PRETRAIN = "cluster_pretrain"


@dataclass(frozen=True)
class Request:
    mode: str = "infer"
    model_id: str = "llama-3.1-70b"
    precision: str | None = None  # None: q4_k_m for a workstation, fp8 for serving, bf16 for training
    users: int = 1
    context: int = 8192
    tokens: float | None = None  # training tokens; None: 1e8 for fine-tuning, 20 x params for pretraining
    budget: Decimal | None = None  # USD, list prices; proposals above it are left out
    # Serving to a service level (SIZING.md 3b): ``concurrency`` users (default ``users``) each sending requests
    # of ``input_tokens`` / ``output_tokens``; a build passes when the simulation meets P95 TTFT / P95 TPOT.
    input_tokens: int | None = None  # default 1024
    output_tokens: int | None = None  # default 512
    concurrency: int | None = None
    slo_ttft_p95_s: float | None = None
    slo_tpot_p95_s: float | None = None

    @property
    def training(self) -> bool:
        return self.mode != "infer"

    @property
    def has_slo(self) -> bool:
        return not self.training and (self.slo_ttft_p95_s is not None or self.slo_tpot_p95_s is not None)

    @property
    def serving_users(self) -> int:
        return self.concurrency if self.concurrency is not None else self.users


def check_request(req: Request, catalog) -> Request:
    """The request with its numbers checked (InvalidInputError naming the field) and ids resolved."""
    if req.mode not in MODES:
        raise InvalidInputError(f"mode '{req.mode}' is not one of {', '.join(MODES)}")
    try:
        catalog.model(req.model_id)
    except KeyError:
        raise InvalidInputError(f"unknown model '{req.model_id}' (configurator catalog list models)") from None
    if req.precision is not None:
        try:
            catalog.precision(req.precision)
        except KeyError:
            raise InvalidInputError(f"unknown precision '{req.precision}'") from None
    for name, value, high in (("users", req.users, MAX_USERS), ("context", req.context, MAX_CONTEXT)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise InvalidInputError(f"{name} must be a whole number from 1 to {high}, not {value!r}")
    for name, value, high in (("input tokens", req.input_tokens, MAX_CONTEXT),
                              ("output tokens", req.output_tokens, MAX_CONTEXT),
                              ("concurrency", req.concurrency, MAX_USERS)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high):
            raise InvalidInputError(f"{name} must be a whole number from 1 to {high}, not {value!r}")
    for name, value in (("P95 TTFT", req.slo_ttft_p95_s), ("P95 TPOT", req.slo_tpot_p95_s)):
        if value is not None and not (isinstance(value, (int, float)) and 0 < value < 1e6):
            raise InvalidInputError(f"service level {name} must be a positive number of seconds, not {value!r}")
    if req.tokens is not None and not (isinstance(req.tokens, (int, float)) and 1 <= req.tokens <= 1e15):
        raise InvalidInputError(f"tokens must be a number from 1 to 1e15, not {req.tokens!r}")
    if req.budget is not None:
        budget = to_decimal(req.budget, "budget")
        if budget <= 0:
            raise InvalidInputError(f"budget {budget} must be more than 0")
        if budget != req.budget:
            from dataclasses import replace

            req = replace(req, budget=budget)
    return req


def branch_of(req: Request) -> str:
    if req.mode == "infer":
        return WORKSTATION_INFERENCE if req.serving_users <= SMALL_TEAM_USERS else SERVER_INFERENCE
    if req.mode in ("lora", "qlora"):
        return WORKSTATION_FINETUNE
    if req.mode == "train":
        return SERVER_FINETUNE
    return CLUSTER_PRETRAIN
