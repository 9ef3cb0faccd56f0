"""Serving under load (SIZING.md 3b): continuous batching, time to first token and per-user speed at N users or R
requests/s, and sizing a build to a service level. Qt-free and catalog-free.

API (all figures in seconds, tokens and tokens/s; every function is deterministic for the workload's seed):

    build = ServingBuild(arch, system, weight_precision, kv_precision, engine, efficiency_row, tp=None)
    work  = ServingWorkload(Lengths(1024), Lengths(256), arrival="closed"|"open"|"max", concurrency=N,
                            rate_per_s=R, think_time_s=0, requests=1000, seed=0,
                            slo=ServiceLevel(ttft_s=2.0, tpot_s=0.05, percentile=95))

    serve(build, work)       -> ServingResult   the simulation (tens of ms); layout automatic unless build.tp
    estimate(build, work)    -> ServingResult   closed form (microseconds): use it while a slider is dragged,
                                                then call serve() when the drag stops (or run serve() off the
                                                GUI thread); result.estimated says which one a figure came from
    size_to_slo(build, work) -> SloResult       meets_slo at the asked load, max_concurrency (closed loop,
                                                within one user) or max_rate_per_s (open loop, within 2%), and
                                                the binding limit beyond it: kv_capacity, compute, bandwidth,
                                                overhead
    sweep(build, work, loads)-> list[ServingResult]  one result per concurrency (closed) or rate (open), on one
                                                layout: the charts' p50/p95 bands against load
    layouts(build)           -> list[Layout]    the replica shapes considered (TP x stages x replicas)
    ACCURACY_TEXT                               leave-one-source-out accuracy of the calibration, for about/help

ServingResult: fits (False: no layout holds the weights plus one whole request's KV cache; then every speed is
None), layout, system_output_tokens_per_s, per_user_tokens_per_s_p50/_p5, ttft_s_p50/p95/p99, tpot_s_p50/p95,
concurrency_admitted (most requests running at once), kv_capacity_tokens, goodput_requests_per_s, meets_slo,
bound, time_shares, extrapolated (+ notes: no calibration row for this engine / GPU / precision), estimated.

What is modelled (docs/sizing.md, "Serving under load"): each engine step carries every running request's
decode token plus prompt chunks up to the engine's token budget; its time is StepModel.time (GEMM and attention
phases add, plus per-layer, TP all-reduce and host costs). Admission and preemption follow each engine's own
rules (engines.py). Replicas (data parallel) share nothing; TP inside a replica.
"""

from __future__ import annotations

from dataclasses import replace

from configurator.core.sizing.serving.calibrated import ACCURACY, ACCURACY_TEXT, BATCHED_COVERAGE
from configurator.core.sizing.serving.engines import ENGINE_IDS, EnginePolicy, policy
from configurator.core.sizing.serving.estimate import admission_limit, estimate_replica
from configurator.core.sizing.serving.model import (
    ARRIVALS, BOUNDS, CLOSED, OFFLINE, OPEN, Layout, Lengths, ServiceLevel, ServingBuild, ServingResult,
    ServingWorkload, SloResult,
)
from configurator.core.sizing.serving.simulate import (
    Replica, candidate_layouts, choose, draw_requests, fitting_replicas, not_fitting, prepare_replica,
    run_layout, summarize,
)
from configurator.core.sizing.serving import slo as _slo


def layouts(build: ServingBuild) -> list[Layout]:
    return candidate_layouts(build)


ENGINE_BASIS = {
    "vllm": "vLLM's factors are TensorRT-LLM's fitted kernels and host cost (its one measured row, release 0.5.4, "
            "is a check only: that scheduler was replaced)",
    "sglang": "SGLang has no measured row: its factors are TensorRT-LLM's fitted kernels and host cost",
    "llama.cpp": "llama.cpp has batch-1 rows only: its batched figures are extrapolated from them",
}


def extrapolation_notes(build: ServingBuild) -> list[str]:
    """Why a batched figure rests on no measurement of this engine, GPU or precision (empty: it does)."""
    from configurator.core.sizing.precision import tensor_rate

    wanted = build.compute or build.weight_precision.compute
    if build.engine.id == "llama.cpp" and build.weight_precision.family == "gguf" \
            and build.system.gpu.int8_dense_tops is not None and build.compute is None:
        wanted = "int8"
    rate = tensor_rate(build.system.gpu, wanted).used
    rows = BATCHED_COVERAGE
    eid, gid = build.engine.id, build.system.gpu.id
    mine = [r for r in rows if r[0] == eid]
    notes = []
    if not mine:
        notes.append(f"extrapolated: {ENGINE_BASIS.get(eid, f'no measured serving row for {build.engine.name}')}")
        mine = [r for r in rows]  # the fits it borrows
    if not any(r[1] == gid for r in mine):
        notes.append(f"extrapolated: no serving measurement on {build.system.gpu.name} (fitted on "
                     f"{', '.join(sorted({r[1] for r in mine}))})")
    if not any(r[2] == rate for r in mine):
        notes.append(f"extrapolated: no serving measurement at {rate.upper()} (fitted at "
                     f"{', '.join(sorted({r[2].upper() for r in mine}))})")
    if build.arch.experts:
        notes.append("extrapolated: no MoE model among the measurements; grouped-GEMM efficiency and the experts "
                     "read per step are assumptions")
    return notes


def _finish(build: ServingBuild, r: ServingResult, extra: list[str] | None = None) -> ServingResult:
    notes = extrapolation_notes(build)
    return replace(r, extrapolated=bool(notes), notes=tuple(list(r.notes) + (extra or []) + notes))


def _best(build: ServingBuild, work: ServingWorkload) -> tuple[Replica | None, ServingResult]:
    reps, why = fitting_replicas(build, work)
    if not reps:
        return None, _finish(build, not_fitting(build, work, None, f"does not fit: {why}"))
    if len(reps) == 1:
        rep = reps[0]
        return rep, _finish(build, summarize(rep, run_layout(rep, work), work))
    results = [summarize(rep, run_layout(rep, work), work) for rep in reps]
    i = choose(results, work.slo)
    others = ", ".join(f"{rep.layout}: {res.system_output_tokens_per_s or 0:,.0f} tok/s"  # present: tokens_per_s
                       for rep, res in zip(reps, results) if rep is not reps[i])
    return reps[i], _finish(build, results[i], [f"layout chosen from {len(reps)}; others {others}"])


def serve(build: ServingBuild, work: ServingWorkload) -> ServingResult:
    """Simulate serving ``work`` on ``build`` (best layout unless ``build.tp`` is given)."""
    return _best(build, work)[1]


def estimate(build: ServingBuild, work: ServingWorkload) -> ServingResult:
    """Closed-form estimate on the layout with the highest estimated throughput (meeting the SLO if one)."""
    reps, why = fitting_replicas(build, work)
    if not reps:
        return _finish(build, not_fitting(build, work, None, f"does not fit: {why}"))
    results = [estimate_replica(rep, work) for rep in reps]
    return _finish(build, results[choose(results, work.slo)])


def sweep(build: ServingBuild, work: ServingWorkload, loads, simulate: bool = True) -> list[ServingResult]:
    """Results at each load (users for a closed loop, requests/s for an open loop) on the layout chosen at the
    workload's own load: the p50/p95 bands of the charts."""
    rep, first = _best(build, work)
    if rep is None:
        return [first for _ in loads]
    out = []
    for x in loads:
        w = replace(work, concurrency=int(x)) if work.arrival == CLOSED else replace(work, rate_per_s=float(x))
        r = summarize(rep, run_layout(rep, w), w) if simulate else estimate_replica(rep, w)
        out.append(_finish(build, r))
    return out


def size_to_slo(build: ServingBuild, work: ServingWorkload) -> SloResult:
    """Meets the service level at the asked load? The largest load that still meets it (over every layout that
    fits: within one user, or 2% of the rate), and what binds just beyond it."""
    if work.slo is None or work.slo.empty:
        raise ValueError("size_to_slo needs a service level")
    reps, why = fitting_replicas(build, work)
    if not reps:
        r = _finish(build, not_fitting(build, work, None, f"does not fit: {why}"))
        return SloResult(r, False, 0 if work.arrival != OPEN else None, 0.0 if work.arrival == OPEN else None,
                         "kv_capacity", None, None, r.notes)
    results = [summarize(rep, run_layout(rep, work), work) for rep in reps]
    i = choose(results, work.slo)
    r = _finish(build, results[i])
    notes = []
    found = []
    for rep in reps:
        if work.arrival == OPEN:
            found.append(_slo.max_rate(rep, work, results[i].requests_per_s or work.rate_per_s))
        else:
            est = estimate_replica(rep, replace(work, arrival=CLOSED, concurrency=max(work.concurrency, 1)))
            start = work.concurrency if work.arrival == CLOSED else max(2, est.concurrency_admitted)
            found.append(_slo.max_concurrency(rep, work, max(2, min(start, _slo.MAX_USERS // 2))))
    j = max(range(len(found)), key=lambda k: (found[k][0], k == i))
    best, at, beyond = found[j]
    if work.arrival == OFFLINE:
        notes.append("offline maximum: the most closed-loop users meeting the service level are searched instead")
    if len(reps) > 1 and at is not None:
        notes.append(f"the largest load is reached with {reps[j].layout}")
    binding = beyond.bound if beyond is not None else None
    metric = _slo.failing_metric(beyond, work) if beyond is not None else None
    if beyond is None and at is not None:
        notes.append("the service level holds up to the largest load searched")
    return SloResult(r, bool(r.meets_slo), best if work.arrival != OPEN else None,
                     best if work.arrival == OPEN else None, binding, metric,
                     _finish(build, at) if at is not None else None, tuple(notes))


__all__ = [
    "ACCURACY", "ACCURACY_TEXT", "ARRIVALS", "BOUNDS", "CLOSED", "OFFLINE", "OPEN", "ENGINE_IDS", "EnginePolicy",
    "Layout", "Lengths", "Replica", "ServiceLevel", "ServingBuild", "ServingResult", "ServingWorkload",
    "SloResult", "admission_limit", "draw_requests", "estimate", "extrapolation_notes", "layouts", "policy",
    "prepare_replica", "serve", "size_to_slo", "sweep",
]
