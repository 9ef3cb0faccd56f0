"""Candidate builds per branch, judged by the rules and the sizing core, then cut into good/better/best.

A candidate passes when the rules find no error, it fits the workload in memory, and it meets the
branch's bar: inference holds the KV cache of ``HEADROOM`` x the asked users at the asked context (room
for the team or its contexts to grow) at no less than ``MIN_TOKENS_PER_S`` per user (the bottom of the
"feels slow" and "feels fast" bands); training fits within ``TRAIN_MEMORY_SHARE`` of GPU memory and finishes
within ``MAX_DAYS``. When nothing passes, the bar is relaxed (exactly the asked users, no time limit, memory
up to full) and the proposal says so.

Tiers: passing candidates sorted by price form an upgrade path: each step costs more and is at least as
good in every figure (within ``TOLERANCE``) and clearly better in one (tokens/s per user by ``STEP_SPEED``,
or users that fit by ``STEP_USERS``; training: time by ``STEP_SPEED``). Good is the first step; best the
last step costing at most ``BEST_PRICE_FACTOR`` x good (and within the budget); better the step between
whose price is nearest their geometric mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from configurator.core.configuration import CLUSTER, SXM_SERVER, WORKSTATION, Build, to_system_spec
from configurator.core.errors import ConfiguratorError
from configurator.core.pricing import price_build
from configurator.core.recommend import request as rq
from configurator.core.recommend.assemble import Shape, assemble, board_chassis
from configurator.core.rules import check, has_errors
from configurator.core.sizing import evaluate_inference, evaluate_training, prepare_inference
from configurator.core.workload import INFERENCE, TRAINING, InferenceWorkload, TrainingWorkload, Workload
from configurator.present import count, duration, memory, share, tokens_per_s

HEADROOM = 2.0  # inference: KV cache for twice the asked users at the asked context
MIN_TOKENS_PER_S = 15.0  # per user: between the "feels slow" (10) and "feels fast" (30) bands of the charts
TRAIN_MEMORY_SHARE = 0.90  # training: state + activations within 90 % of GPU memory (room for a longer sequence)
MAX_DAYS = {"full": 30.0, "lora": 30.0, "qlora": 30.0, "pretrain": 90.0}
TOLERANCE = 0.95  # an upgrade may lose up to 5 % in a figure it does not improve (layer-split hops)
STEP_SPEED = 1.10
STEP_USERS = 1.25
BEST_PRICE_FACTOR = Decimal(4)
SERVING_MIN_BW_TB_S = 4.8  # H200 class: the bandwidth per GPU production serving is proposed from
WORKSTATION_COUNTS = (1, 2, 3, 4)
BOARD_COUNTS = (4, 8)
CLUSTER_NODES = (2, 4)
PRETRAIN_NODES = (2, 4, 8, 16, 32, 64)
SERVER_NODE_GPUS = 8


@dataclass
class Candidate:
    shape: Shape
    build: Build
    price: Decimal
    speed: float  # tokens/s per user (inference) or training tokens/s
    users: float  # users that fit at the asked context (inference); 1 for training
    result: object  # InferenceResult or TrainingResult
    relaxed: bool = False
    notes: list[str] = field(default_factory=list)
    serving: object = None  # ServingResult when the request has a service level


@dataclass(frozen=True)
class Rejection:
    """A candidate that was left out, and why (the wizard and the notes show it for builds cheaper than the
    proposals): ``kind`` 'slo' (misses the service level), 'memory' (does not fit), 'users' (too few users at
    the context), 'speed' (too slow per user), 'time' (training takes too long)."""

    name: str
    price: Decimal
    currency: str
    reason: str
    kind: str = "slo"


# -- pools ------------------------------------------------------------------------------------------
def _workstation_gpus(catalog):
    return [g for g in catalog.gpus(sellable_only=True)
            if g.is_pcie and not g.cooling.lower().startswith("passive") and catalog.price(g.id) is not None]


def _nvlink_modules(catalog):
    return [g for g in catalog.gpus(sellable_only=True) if g.is_module and g.nvlink.lower().startswith("nvlink")]


def _serving_modules(catalog):
    return [g for g in catalog.gpus(sellable_only=True)
            if g.is_module and g.memory_class == "hbm" and g.bandwidth_tb_s >= SERVING_MIN_BW_TB_S]


def _boards(catalog, gpus, counts=BOARD_COUNTS):
    return [Shape(SXM_SERVER, g, n) for g in gpus for n in counts if board_chassis(catalog, g, n) is not None]


def _clusters(catalog, gpus, nodes):
    return [Shape(CLUSTER, g, SERVER_NODE_GPUS, k) for g in gpus for k in nodes
            if board_chassis(catalog, g, SERVER_NODE_GPUS) is not None]


def stages(branch: str, catalog) -> list[list[Shape]]:
    """The shapes to try, in fallback order (a later stage only when nothing in the earlier ones passes)."""
    ws = _workstation_gpus(catalog)
    if branch == rq.WORKSTATION_INFERENCE:
        return [[Shape(WORKSTATION, g, n) for g in ws for n in WORKSTATION_COUNTS],
                _boards(catalog, _serving_modules(catalog))]
    if branch == rq.SERVER_INFERENCE:
        return [_boards(catalog, _serving_modules(catalog))]
    if branch == rq.WORKSTATION_FINETUNE:
        return [[Shape(WORKSTATION, g, n) for g in ws for n in (1, 2)],
                [Shape(WORKSTATION, g, n) for g in ws for n in (3, 4)],
                _boards(catalog, _nvlink_modules(catalog))]
    if branch == rq.SERVER_FINETUNE:
        nv = _nvlink_modules(catalog)
        return [_boards(catalog, nv) + _clusters(catalog, nv, CLUSTER_NODES),
                _clusters(catalog, nv, (8, 16))]
    return [_clusters(catalog, _nvlink_modules(catalog), PRETRAIN_NODES)]


# -- workloads --------------------------------------------------------------------------------------
def _inference_workload(req: rq.Request, catalog, shape: Shape, for_training: bool = False) -> InferenceWorkload:
    tower = shape.kind == WORKSTATION
    precision = (req.precision if not for_training else None) or ("q4_k_m" if tower else "fp8")
    gguf = catalog.precision(precision).family == "gguf"
    engine, parallel = ("llama.cpp", "layer") if (tower and gguf) else ("vllm", "tp")
    kv = "fp8" if precision in ("fp8", "fp4", "nvfp4", "mxfp4") and shape.gpu.fp8_dense_tflops else "fp16"
    return InferenceWorkload(model_id=req.model_id, precision=precision, kv_precision=kv,
                             context_tokens=req.context if not for_training else 8192,
                             users=req.serving_users if not for_training else 1,
                             prompt_tokens=req.input_tokens or 1024, output_tokens=req.output_tokens or 512,
                             engine=engine, parallel=parallel)


def default_tokens(req: rq.Request, catalog) -> float:
    if req.tokens is not None:
        return float(req.tokens)
    if req.mode == "pretrain":
        return rq.CHINCHILLA_TOKENS_PER_PARAM * catalog.model(req.model_id).params_b * 1e9
    return rq.FINETUNE_TOKENS


def _training_workload(req: rq.Request, catalog, shape: Shape, recompute: str) -> TrainingWorkload:
    mode = rq.TRAINING_MODE[req.mode]
    sharded = mode in ("full", "pretrain") and shape.total > 1
    precision = req.precision if req.precision in ("bf16", "fp16", "fp8", "fp32") else "bf16"
    return TrainingWorkload(mode=mode, model_id=req.model_id, precision=precision,
                            tokens=default_tokens(req, catalog), seq_len=4096, micro_batch=1,
                            global_batch=512 if mode == "pretrain" else 64, zero_stage=3 if sharded else 0,
                            recompute=recompute)


# -- judging ----------------------------------------------------------------------------------------
def _size(build: Build, catalog):
    """The sizing result analyze() would show (without its chart sweeps: the search is interactive)."""
    system = to_system_spec(build)
    w = build.workload
    if w.kind == INFERENCE:
        i = w.inference
        engine = catalog.engine(i.engine)
        setup = prepare_inference(catalog.model(i.model_id), system, catalog.precision(i.precision),
                                  catalog.precision(i.kv_precision),
                                  catalog.engine_efficiency(engine.id, system.gpu.gpu_class), engine, i.parallel)
        return evaluate_inference(setup, i.users, i.context_tokens, i.prompt_tokens)
    t = w.training
    return evaluate_training(catalog.model(t.model_id), system, t, catalog.precision(t.precision))


SLO_MIN_REQUESTS = 300  # requests simulated per candidate (at least 3 per user)


def _serving(build: Build, catalog, req: rq.Request):
    """The serving simulation of a candidate at the asked users and service level (SIZING.md 3b)."""
    from configurator.core.sizing.serving import Lengths, ServiceLevel, ServingBuild, ServingWorkload, serve

    system = to_system_spec(build)
    i = build.workload.inference
    engine = catalog.engine(i.engine)
    sb = ServingBuild(catalog.model(i.model_id), system, catalog.precision(i.precision),
                      catalog.precision(i.kv_precision), engine,
                      catalog.engine_efficiency(engine.id, system.gpu.gpu_class))
    n = req.serving_users
    work = ServingWorkload(Lengths(i.prompt_tokens), Lengths(i.output_tokens), concurrency=n,
                           requests=max(SLO_MIN_REQUESTS, 3 * n),
                           slo=ServiceLevel(req.slo_ttft_p95_s, req.slo_tpot_p95_s))
    return serve(sb, work)


def slo_failure(r, req: rq.Request) -> str:
    """Why a serving result misses the service level, in figures."""
    from configurator.present import duration

    if not r.fits:
        return r.notes[0] if r.notes else "does not hold one request"
    parts = []
    if req.slo_ttft_p95_s is not None and (r.ttft_s_p95 or 0.0) > req.slo_ttft_p95_s:
        parts.append(f"P95 time to first token {duration(r.ttft_s_p95)} > {duration(req.slo_ttft_p95_s)}")
    if req.slo_tpot_p95_s is not None and (r.tpot_s_p95 or 0.0) > req.slo_tpot_p95_s:
        parts.append(f"P95 time per output token {duration(r.tpot_s_p95)} > {duration(req.slo_tpot_p95_s)}")
    if not parts:
        parts.append("not every request was served")
    limit = (r.bound or "").replace("_", " ")
    return f"{'; '.join(parts)} at {req.serving_users:,} users ({limit} binds)"


def _candidate(req: rq.Request, catalog, shape: Shape, relaxed: bool,
               rejected: list | None = None) -> Candidate | None:
    inf = _inference_workload(req, catalog, shape, for_training=req.training)
    serving = not req.training and shape.kind != WORKSTATION
    recomputes = ("selective", "full") if req.training else (None,)
    for recompute in recomputes:
        if req.training:
            workload = Workload(kind=TRAINING, inference=inf, training=_training_workload(req, catalog, shape, recompute))
        else:
            workload = Workload(kind=INFERENCE, inference=inf)
        build = assemble(catalog, shape, workload, serving=serving)
        if build is None or has_errors(check(build)):
            return None
        try:
            result = _size(build, catalog)
            priced = price_build(build)
            price = priced.total
        except (ConfiguratorError, KeyError):
            return None
        def left_out(kind: str, reason: str) -> None:
            if rejected is not None:
                rejected.append(Rejection(build.name, price, priced.currency, reason, kind))

        if not result.fits:
            left_out("memory", f"it does not fit: {memory(result.memory.total_bytes)} needed per GPU, "
                               f"{memory(result.memory.capacity_bytes)} there")
            continue
        if req.training:
            limit = MAX_DAYS[workload.training.mode] * 86400.0
            tight = result.memory.total_bytes > TRAIN_MEMORY_SHARE * result.memory.capacity_bytes
            if not relaxed and tight:
                left_out("memory", f"training fills {share(result.memory.total_bytes / result.memory.capacity_bytes)}"
                                   f" of GPU memory (more than {share(TRAIN_MEMORY_SHARE)} leaves no room)")
                continue  # full recompute may leave the room
            if not relaxed and result.train_time_s > limit:
                left_out("time", f"training would take {duration(result.train_time_s)}, more than "
                                 f"{MAX_DAYS[workload.training.mode]:g} days")
                return None
            return Candidate(shape, build, price, result.tokens_per_s, 1.0, result, relaxed)
        if req.has_slo:
            try:
                served = _serving(build, catalog, req)
            except (ConfiguratorError, KeyError):
                return None
            if not served.meets_slo:
                left_out("slo", slo_failure(served, req))
                return None
            # speed: the median user's tokens/s; users: the system's output tokens/s (capacity under load)
            return Candidate(shape, build, price, served.per_user_tokens_per_s_p50 or 0.0,
                             served.system_output_tokens_per_s or 0.0, result, relaxed, serving=served)
        users_needed = req.users * (1.0 if relaxed else HEADROOM)
        if result.max_users_at_context < users_needed:
            room = "" if relaxed else f" (room for {HEADROOM:g} x the {req.users:,} asked)"
            left_out("users", f"it holds {count(int(result.max_users_at_context), 'user')} at "
                              f"{req.context:,} tokens of context, {users_needed:,.0f} needed{room}")
            return None
        if result.per_user_tokens_per_s < MIN_TOKENS_PER_S:
            left_out("speed", f"{tokens_per_s(result.per_user_tokens_per_s)} per user, below the "
                              f"{tokens_per_s(MIN_TOKENS_PER_S)} that reads comfortably")
            return None
        return Candidate(shape, build, price, result.per_user_tokens_per_s, float(result.max_users_at_context),
                         result, relaxed)
    return None


def candidates(req: rq.Request, catalog, branch: str,
               rejected: list | None = None) -> tuple[list[Candidate], list[str]]:
    """Passing candidates of the first stage (strict bar first, then relaxed) that has any, and notes.
    With a service level there is no relaxed pass (the level is what was asked); ``rejected`` collects the
    candidates that hold the model but miss it."""
    notes: list[str] = []
    all_stages = stages(branch, catalog)
    for relaxed in ((False,) if req.has_slo else (False, True)):
        for i, shapes in enumerate(all_stages):
            found = [c for c in (_candidate(req, catalog, s, relaxed, rejected) for s in shapes) if c is not None]
            if req.budget is not None:
                over = [c for c in found if c.price > req.budget]
                found = [c for c in found if c.price <= req.budget]
                if over and not found:
                    cheapest = min(c.price for c in over)
                    notes.append(f"Nothing that fits costs {req.budget} or less; the cheapest build that fits "
                                 f"costs {cheapest}.")
                    return [], notes
            if found:
                if i > 0:
                    notes.append("No build of the usual kind for this workload fits; these are the next kind up.")
                if relaxed:
                    margin = (f"training within {MAX_DAYS[rq.TRAINING_MODE[req.mode]]:g} days with room in GPU "
                              "memory" if req.training else "KV cache for twice the users")
                    notes.append(f"No build meets the usual margin ({margin}); these fit the request as asked.")
                return found, notes
    notes.append("No build in the catalog meets the service level." if req.has_slo
                 else "No build in the catalog fits this workload.")
    return [], notes


# -- tiers ------------------------------------------------------------------------------------------
def _upgrade(a: Candidate, b: Candidate, training: bool) -> bool:
    """Is ``b`` (costing at least as much) a clear upgrade on ``a``?"""
    if training:
        return b.speed >= STEP_SPEED * a.speed
    no_worse = b.speed >= TOLERANCE * a.speed and b.users >= TOLERANCE * a.users
    return no_worse and (b.speed >= STEP_SPEED * a.speed or b.users >= STEP_USERS * a.users)


def tiers(found: list[Candidate], training: bool, budget: Decimal | None) -> list[tuple[str, Candidate]]:
    order = sorted(found, key=lambda c: (c.price, -c.speed, -c.users, c.shape.gpu.id, c.shape.total))
    path: list[Candidate] = []
    for c in order:
        if not path or _upgrade(path[-1], c, training):
            path.append(c)
    if not path:
        return []
    good = path[0]
    cap = good.price * BEST_PRICE_FACTOR
    if budget is not None:
        cap = min(cap, budget)
    within = [c for c in path if c.price <= cap]
    best = within[-1]
    if best is good:
        return [("good", good)]
    middle = within[1:-1]
    if not middle:
        return [("good", good), ("best", best)]
    target = (math.log(float(good.price)) + math.log(float(best.price))) / 2
    better = min(middle, key=lambda c: abs(math.log(float(c.price)) - target))
    return [("good", good), ("better", better), ("best", best)]


__all__ = ["Candidate", "Rejection", "candidates", "slo_failure", "tiers", "stages", "default_tokens", "HEADROOM", "MIN_TOKENS_PER_S",
           "MAX_DAYS"]
