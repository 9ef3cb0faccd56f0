"""Serving a model on a build: layouts (TP x replicas), one replica's KV pool, the simulation over all replicas
and the system figures (SIZING.md 3b).

Requests are drawn once from the workload's seed (lengths, arrivals, think times), so a result is
deterministic for a given seed; replicas share nothing and each gets every R-th request (round robin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.sizing.hardware import engine_reserve
from configurator.core.sizing.inference import LOGIT_BYTES, InferenceSetup, prepare_inference
from configurator.core.sizing.serving import engines as eng
from configurator.core.sizing.serving.model import (
    CLOSED, OFFLINE, OPEN, Layout, ServingBuild, ServingResult, ServingWorkload, ServiceLevel,
)
from configurator.core.sizing.serving.replica import ReplicaRun, ReplicaSpec, run_replica
from configurator.core.sizing.layout import divisors
from configurator.core.sizing.validate import check_engine, heads_split

KV_BLOCKED_SHARE = 0.10  # KV capacity binds when requests wait for it this share of the time (or preemptions)


@dataclass(frozen=True)
class Replica:
    """One replica of a layout, prepared: its setup, engine policy and KV pool."""

    layout: Layout
    setup: InferenceSetup
    policy: eng.EnginePolicy
    kv_capacity_tokens: int
    kv_bytes_per_token: float  # per GPU at the workload's mean context (sliding windows averaged in)
    weights_fit: bool

    def spec(self, mean_context: float) -> ReplicaSpec:
        f, p = self.setup.fig, self.setup.plan
        n = p.tp * p.pp
        c = max(mean_context, 1.0)
        return ReplicaSpec(
            step=self.setup.step_model(), policy=self.policy, kv_capacity_tokens=self.kv_capacity_tokens,
            kv_bytes_per_token=self.kv_bytes_per_token,
            attn_flops_per_token=float(f.attention_flops(c)) / c / n,
            prefill_flops_per_pair=float(f.prefill_attention_flops(c)) / (0.5 * c * c) / n,
        )


def candidate_layouts(build: ServingBuild) -> list[Layout]:
    """Replica shapes the build can run: TP sizes that divide a node (and the heads), replicas filling the
    build; a model too large for a node spans whole nodes as stages. llama.cpp splits layers instead."""
    sysm = build.system
    g, nodes = sysm.gpus_per_node, sysm.nodes
    total = g * nodes
    if build.engine.id == "llama.cpp":
        return [Layout(1, m, total // m) for m in range(1, g + 1) if g % m == 0]
    out = [Layout(t, 1, total // t) for t in divisors(g) if heads_split(build.arch, t)]
    top = max(lay.tp for lay in out)
    out += [Layout(top, k * g // top, nodes // k) for k in divisors(nodes) if k > 1]
    return out


def given_layout(build: ServingBuild) -> Layout:
    t = int(build.tp)
    sysm = build.system
    if t < 1 or t > sysm.gpus_per_node or sysm.gpus_per_node % t:
        raise InvalidInputError(f"--tp {t} must divide the {sysm.gpus_per_node} GPUs of a node")
    if build.engine.id == "llama.cpp":
        return Layout(1, t, sysm.total_gpus // t)
    if not heads_split(build.arch, t):
        raise InvalidInputError(f"TP {t} does not split {build.arch.name}'s {build.arch.heads} attention heads and "
                                f"{build.arch.kv_heads} KV heads evenly")
    return Layout(t, 1, sysm.total_gpus // t)


def prepare_replica(build: ServingBuild, layout: Layout, workload: ServingWorkload) -> Replica:
    parallel = "layer" if build.engine.id == "llama.cpp" else "tp"
    setup = prepare_inference(build.arch, build.system, build.weight_precision, build.kv_precision,
                              build.efficiency, build.engine, parallel, build.compute, (layout.tp, layout.pp))
    pol = eng.policy(build.engine.id, build.system.gpu.memory_gb, build.slots)
    if build.max_seqs or build.token_budget:
        pol = replace(pol, max_seqs=int(build.max_seqs or pol.max_seqs), token_budget=int(build.token_budget or pol.token_budget))
    c = max(workload.mean_context, 1.0)
    kv_tok = float(setup.fig.kv_bytes_per_user(c)) * setup.kv_fraction / c  # bytes per token per GPU
    # memory per GPU: weights, the step's activation buffers (token budget), fp32 logits of the sequences
    # sampled at once, the engine's reserve; the rest is the KV pool
    fixed = (setup.weights + float(setup.workspace(pol.token_budget))
             + min(pol.max_seqs, pol.token_budget) * setup.fig.vocab * LOGIT_BYTES / max(setup.plan.tp, 1))
    avail = setup.capacity - fixed - float(engine_reserve(setup.engine, setup.capacity, fixed))
    cap = int(max(avail, 0.0) // kv_tok) if kv_tok > 0 else 0
    return Replica(layout, setup, pol, cap, kv_tok, avail > 0)


def _largest_request(workload: ServingWorkload) -> int:
    return workload.input_tokens.maximum + workload.output_tokens.maximum


@dataclass(frozen=True)
class Requests:
    prompt: np.ndarray
    output: np.ndarray
    arrival: np.ndarray | None  # open / offline
    think: np.ndarray | None  # closed loop


def draw_requests(workload: ServingWorkload, n: int | None = None) -> Requests:
    """The workload's requests for its seed (lengths, then arrival gaps or think times, in that order)."""
    n = n or workload.requests
    rng = np.random.default_rng(workload.seed)
    prompt = workload.input_tokens.draw(n, rng)
    output = workload.output_tokens.draw(n, rng)
    unit = rng.standard_exponential(n)  # the same draws at every rate: more load never reshuffles arrivals
    if workload.arrival == OPEN:
        return Requests(prompt, output, np.cumsum(unit) / workload.rate_per_s, None)
    if workload.arrival == OFFLINE:
        return Requests(prompt, output, np.zeros(n), None)
    think = unit * workload.think_time_s if workload.think_time_s > 0 else np.zeros(n)
    return Requests(prompt, output, None, think)


def run_layout(replica: Replica, workload: ServingWorkload, reqs: Requests | None = None) -> list[ReplicaRun]:
    """Simulate every replica of the layout (identical replicas with identical inputs are simulated once)."""
    reqs = reqs or draw_requests(workload)
    spec = replica.spec(workload.mean_context)
    reps = replica.layout.replicas
    stagger = stagger_s(replica, workload) if workload.arrival == CLOSED else 0.0
    same = (workload.input_tokens.fixed and workload.output_tokens.fixed
            and (workload.arrival == OFFLINE or (workload.arrival == CLOSED and workload.think_time_s == 0)))
    runs: list[ReplicaRun] = []
    cache: dict[tuple, ReplicaRun] = {}
    for j in range(min(reps, len(reqs.prompt))):  # replicas beyond the request count get none
        prompt = reqs.prompt[j::reps].tolist()
        output = reqs.output[j::reps].tolist()
        if not prompt:
            continue
        users = 0
        if workload.arrival == CLOSED:
            users = workload.concurrency // reps + (1 if j < workload.concurrency % reps else 0)
            if users == 0:
                continue
        key = (len(prompt), users)
        if same and key in cache:
            runs.append(cache[key])
            continue
        if workload.arrival == CLOSED:
            run = run_replica(spec, prompt, output, None, users, reqs.think[j::reps].tolist(), stagger)
        else:
            run = run_replica(spec, prompt, output, reqs.arrival[j::reps].tolist())
        cache[key] = run
        runs.append(run)
    return runs


def stagger_s(replica: Replica, workload: ServingWorkload) -> float:
    """Closed loop: the users' first requests spread over one cycle (think time + the estimated time of one
    request at this load), so that the run starts near its steady state."""
    from configurator.core.sizing.serving.estimate import estimate_replica

    est = estimate_replica(replica, replace(workload, think_time_s=0.0))
    cycle = (est.ttft_s_p50 or 0.0) + (workload.output_tokens.mean - 1.0) * (est.tpot_s_p50 or 0.0)
    return max(cycle, 0.0) + workload.think_time_s


def _pct(values: np.ndarray, q: float) -> float | None:
    return float(np.percentile(values, q)) if values.size else None


def summarize(replica: Replica, runs: list[ReplicaRun], workload: ServingWorkload,
              extra_notes: tuple[str, ...] = ()) -> ServingResult:
    """System figures from the replica runs."""
    arr = np.concatenate([np.asarray(r.arrival) for r in runs])
    first = np.concatenate([np.asarray(r.first) for r in runs])
    done = np.concatenate([np.asarray(r.done) for r in runs])
    out = np.concatenate([np.asarray(r.output, dtype=float) for r in runs])
    # the closed loop's first request of each user ramps the load up: percentiles leave them out
    steady_req = np.concatenate([np.arange(len(r.done)) >= r.warmup for r in runs])
    served = np.isfinite(done)
    start = float(np.min(arr[np.isfinite(arr)])) if np.isfinite(arr).any() else 0.0
    makespan = float(np.max(done[served]) - start) if served.any() else math.inf
    counted = served & steady_req if (served & steady_req).any() else served
    ttft = (first - arr)[counted]
    multi = served & (out > 1)
    tpot_all = np.full(done.shape, np.nan)
    tpot_all[multi] = (done - first)[multi] / (out[multi] - 1.0)
    tpot = tpot_all[counted & (out > 1)]
    user_speed = 1.0 / np.maximum(tpot, 1e-12)
    tokens = float(out[served].sum())
    sys_tps = tokens / makespan if makespan > 0 and math.isfinite(makespan) else None
    steady = None
    if sys_tps:
        # tokens decoded inside [10%, 90%] of the run, each request's tokens spread evenly over its decode time
        a, b = start + 0.1 * makespan, start + 0.9 * makespan
        f, d, o = first[multi], done[multi], out[multi] - 1.0  # every request: tokens are tokens
        span = np.maximum(d - f, 1e-12)
        inside = np.clip(np.minimum(d, b) - np.maximum(f, a), 0.0, None)
        steady = float((o * inside / span).sum()) / (b - a)
    busy = sum(r.busy_s for r in runs)
    comp, band, over = (sum(getattr(r, k) for r in runs) for k in ("compute_s", "bandwidth_s", "overhead_s"))
    blocked = sum(r.kv_blocked_s for r in runs)
    preempt = sum(r.preemptions for r in runs)
    rejected = sum(r.rejected for r in runs)
    step_total = comp + band + over
    shares = {"compute": comp / step_total if step_total else 0.0,
              "bandwidth": band / step_total if step_total else 0.0,
              "overhead": over / step_total if step_total else 0.0,
              "kv_blocked": blocked / busy if busy else 0.0}
    if shares["kv_blocked"] >= KV_BLOCKED_SHARE or preempt > 0.05 * max(len(done), 1) or rejected:
        bound = "kv_capacity"
    else:
        bound = max(("compute", "bandwidth", "overhead"), key=lambda k: shares[k])
    slo = workload.slo
    meets = good = None
    if slo is not None and not slo.empty:
        meets = bool(served.all() and served.any())
        ok = served.copy()
        if slo.ttft_s is not None:
            meets = meets and (_pct(ttft, slo.percentile) or 0.0) <= slo.ttft_s
            ok[served] &= (first - arr)[served] <= slo.ttft_s
        if slo.tpot_s is not None and tpot.size:
            meets = meets and (_pct(tpot, slo.percentile) or 0.0) <= slo.tpot_s
            ok &= ~(tpot_all > slo.tpot_s)
        good = float(ok.sum()) / makespan if sys_tps else 0.0
    lay = replica.layout
    notes = list(extra_notes)
    if preempt:
        notes.append(f"{preempt} preemptions: the KV pool ran out and requests were recomputed")
    if rejected:
        notes.append(f"{rejected} requests are longer than a replica's KV pool and were never served")
    return ServingResult(
        fits=True, layout=lay, engine_id=replica.policy.engine_id, arrival=workload.arrival,
        system_output_tokens_per_s=sys_tps,
        per_user_tokens_per_s_p50=_pct(user_speed, 50), per_user_tokens_per_s_p5=_pct(user_speed, 5),
        ttft_s_p50=_pct(ttft, 50), ttft_s_p95=_pct(ttft, 95), ttft_s_p99=_pct(ttft, 99),
        tpot_s_p50=_pct(tpot, 50), tpot_s_p95=_pct(tpot, 95),
        concurrency_admitted=int(sum(r.peak_running for r in runs)),
        mean_concurrency=(sum(r.running_time_s for r in runs) / makespan) if sys_tps else 0.0,
        kv_capacity_tokens=replica.kv_capacity_tokens * lay.replicas,
        kv_capacity_tokens_per_replica=replica.kv_capacity_tokens,
        requests_per_s=float(served.sum()) / makespan if sys_tps else None,
        goodput_requests_per_s=good, meets_slo=meets, bound=bound, time_shares=shares,
        requests_served=int(served.sum()), requests_rejected=int(rejected), preemptions=int(preempt),
        makespan_s=makespan, extrapolated=False, estimated=False, notes=tuple(notes),
        steady_output_tokens_per_s=steady,
    )


def not_fitting(build: ServingBuild, workload: ServingWorkload, replica: Replica | None, why: str) -> ServingResult:
    cap = replica.kv_capacity_tokens if replica else 0
    reps = replica.layout.replicas if replica else 0
    return ServingResult(
        fits=False, layout=replica.layout if replica else None, engine_id=build.engine.id,
        arrival=workload.arrival, system_output_tokens_per_s=None, per_user_tokens_per_s_p50=None,
        per_user_tokens_per_s_p5=None, ttft_s_p50=None, ttft_s_p95=None, ttft_s_p99=None, tpot_s_p50=None,
        tpot_s_p95=None, concurrency_admitted=0, mean_concurrency=0.0, kv_capacity_tokens=cap * reps,
        kv_capacity_tokens_per_replica=cap, requests_per_s=None, goodput_requests_per_s=None,
        meets_slo=False if workload.slo is not None and not workload.slo.empty else None, bound="kv_capacity",
        time_shares={}, requests_served=0, requests_rejected=workload.requests, preemptions=0,
        makespan_s=math.inf, extrapolated=False, estimated=False, notes=(why,),
    )


def fitting_replicas(build: ServingBuild, workload: ServingWorkload) -> tuple[list[Replica], str]:
    """Prepared replicas of every layout that holds the weights and one whole request's KV cache, and why none
    does when the list is empty."""
    check_engine(build.engine, build.system)
    layouts = [given_layout(build)] if build.tp else candidate_layouts(build)
    need = _largest_request(workload)
    fit, why = [], ""
    best_cap = -1
    for lay in layouts:
        if fit and lay.gpus_per_replica > build.system.gpus_per_node:
            break  # replicas spanning nodes only when no node-sized replica holds the model
        rep = prepare_replica(build, lay, workload)
        if rep.weights_fit and rep.kv_capacity_tokens >= need:
            fit.append(rep)
        elif rep.kv_capacity_tokens > best_cap:
            best_cap = rep.kv_capacity_tokens
            if not rep.weights_fit:
                why = (f"the weights and buffers do not fit {lay.gpus_per_replica} GPU(s) of "
                       f"{build.system.gpu.name} ({lay})")
            else:
                why = (f"a replica ({lay}) holds {rep.kv_capacity_tokens:,} KV tokens, less than one request of "
                       f"{need:,} tokens (prompt + output)")  # present: count formatting
    return fit, why or "no layout of this build holds the model"


def simulate_replica_layout(build: ServingBuild, replica: Replica, workload: ServingWorkload,
                            reqs: Requests | None = None) -> ServingResult:
    return summarize(replica, run_layout(replica, workload, reqs), workload)


def choose(results: list[ServingResult], slo: ServiceLevel | None) -> int:
    """Index of the best layout: the highest throughput among those meeting the service level (else the most
    goodput, else the highest throughput); ties go to the smaller TP (listed first)."""
    def tps(r: ServingResult) -> float:
        return r.system_output_tokens_per_s or 0.0

    if slo is not None and not slo.empty:
        meeting = [i for i, r in enumerate(results) if r.meets_slo]
        if meeting:
            return max(meeting, key=lambda i: (tps(results[i]), -i))
        return max(range(len(results)), key=lambda i: (results[i].goodput_requests_per_s or 0.0, tps(results[i]), -i))
    return max(range(len(results)), key=lambda i: (tps(results[i]), -i))


def with_workload(workload: ServingWorkload, **changes) -> ServingWorkload:
    return replace(workload, **changes)
