"""A closed-form steady-state estimate of the serving figures, for the window while a slider is dragged
(microseconds, no simulation). It uses the same step model, KV pool and admission limit as the simulation but
one average step instead of the request-by-request run, so its percentiles are rough: p95 is derived from the
mean, not measured. The simulation replaces it when the drag stops.

Steady state with n requests running: each step carries n decode tokens, and a share n x P / (O x chunk) of
the steps also a prompt chunk (each request needs P prompt tokens per O output tokens); the two kinds of step
are timed separately (each its own roofline) and averaged; contexts average P + O / 2. Throughput n / step;
TPOT one mean step; TTFT the prompt's chunk steps plus queueing (Little's law in a closed loop, the M/D/1
waiting factor 1 / (1 - utilisation) in an open loop).
"""

from __future__ import annotations

import math

from configurator.core.sizing.serving.engines import RESERVE_FULL, SLOTS
from configurator.core.sizing.serving.model import CLOSED, OFFLINE, OPEN, ServingResult, ServingWorkload
from configurator.core.sizing.serving.simulate import Replica


def admission_limit(replica: Replica, workload: ServingWorkload) -> int:
    """Requests the replica runs at once in steady state: the KV pool over what each request holds (its full
    prompt + output where the engine reserves it, else prompt + half the output on average), capped by the
    engine's sequence limit."""
    pol = replica.policy
    p, o = workload.input_tokens.mean, workload.output_tokens.mean
    held = p + o if pol.admission in (RESERVE_FULL, SLOTS) else p + 0.5 * o
    return int(max(0, min(pol.max_seqs, replica.kv_capacity_tokens // max(held, 1.0))))


def estimate_replica(replica: Replica, workload: ServingWorkload) -> ServingResult:
    spec = replica.spec(workload.mean_context)
    m, pol = spec.step, replica.policy
    p, o = workload.input_tokens.mean, workload.output_tokens.mean
    c = workload.mean_context
    reps = replica.layout.replicas
    limit = max(admission_limit(replica, workload), 1)
    budget = pol.token_budget

    def chunk(n: float) -> float:
        return max(1.0, min(p, budget - n))

    def chunk_steps(n: float) -> float:
        return math.ceil(p / chunk(n))

    def prompt_step(n: float) -> tuple[float, float, float, float]:
        """A step carrying one prompt chunk beside n decode tokens (compute-bound where decode alone is not)."""
        ch = chunk(n)
        kv = spec.kv_bytes_per_token * n * c
        attn = spec.attn_flops_per_token * n * c + spec.prefill_flops_per_pair * ch * 0.5 * p
        return m.time(n, ch, kv, attn, n + 1.0)

    def step(n: float) -> tuple[float, float, float, float]:
        """The mean step: decode-only steps, and the share f of steps that also carry a prompt chunk (each request
        brings P prompt tokens per O output tokens); each kind is its own roofline, then they are averaged."""
        kv = spec.kv_bytes_per_token * n * c
        dec = m.time(n, 0.0, kv, spec.attn_flops_per_token * n * c, n)
        pre = prompt_step(n)
        f = min(1.0, n * p / (o * chunk(n)))
        return tuple((1.0 - f) * a + f * b for a, b in zip(dec, pre))

    blocked = 0.0
    if workload.arrival == OPEN:
        lam = workload.rate_per_s / reps
        lam_max = limit / (o * step(limit)[0])
        if lam >= lam_max:
            n = float(limit)
            t = step(n)[0]
            ttft50 = ttft95 = ttft99 = math.inf
            x = n / t
            blocked = 1.0
        else:
            lo, hi = 1e-6, float(limit)
            for _ in range(50):
                mid = 0.5 * (lo + hi)
                if mid / (o * step(mid)[0]) < lam:
                    lo = mid
                else:
                    hi = mid
            n = hi
            t = step(n)[0]
            rho = lam / lam_max
            base = chunk_steps(n) * prompt_step(n)[0]
            ttft50 = base * (1.0 + rho / (2.0 * (1.0 - rho)))
            ttft95 = base * (1.0 + 3.0 * rho / (1.0 - rho))
            ttft99 = base * (1.0 + 4.6 * rho / (1.0 - rho))
            x = lam * o
    elif workload.arrival == OFFLINE:
        n = float(limit)
        t = step(n)[0]
        x = n / t
        total = (workload.requests / reps) * o / x
        ttft50, ttft95, ttft99 = 0.5 * total, 0.95 * total, 0.99 * total
        blocked = 1.0 if workload.requests / reps > limit else 0.0
    else:
        users = workload.concurrency / reps
        n = min(users, float(limit))
        if workload.think_time_s > 0:
            # users thinking hold no slot: running = users x response / (response + think) (Little's law)
            for _ in range(40):
                t = step(n)[0]
                resp = (chunk_steps(n) + o - 1.0) * t
                n = 0.5 * n + 0.5 * min(float(limit), users * resp / (resp + workload.think_time_s))
        t = step(n)[0]
        x = n / t
        if users > limit:
            lam = x / o
            resp = users / lam - workload.think_time_s
            ttft50 = max(resp - (o - 1) * t, chunk_steps(n) * prompt_step(n)[0])
            ttft95 = ttft99 = ttft50 * 1.5
            blocked = 1.0 - limit / users
        elif workload.think_time_s == 0:
            # every user sends at once: the last prompt waits for the chunks of all the others
            wave = max(1.0, n * p / chunk(0.0)) * prompt_step(0.0)[0]
            ttft50, ttft95, ttft99 = 0.5 * wave, 0.95 * wave, 0.99 * wave
        else:
            ttft50 = ttft95 = ttft99 = chunk_steps(n) * prompt_step(n)[0]
    total, comp, band, over = step(n)
    shares = {"compute": comp / total, "bandwidth": band / total, "overhead": over / total, "kv_blocked": blocked}
    bound = "kv_capacity" if blocked >= 0.10 else max(("compute", "bandwidth", "overhead"), key=lambda k: shares[k])
    sys_x = x * reps
    slo = workload.slo
    meets = None
    if slo is not None and not slo.empty:
        ttft_at = ttft95 if slo.percentile <= 95 else ttft99
        meets = (slo.ttft_s is None or ttft_at <= slo.ttft_s) and (slo.tpot_s is None or t <= slo.tpot_s)
    return ServingResult(
        fits=True, layout=replica.layout, engine_id=pol.engine_id, arrival=workload.arrival,
        system_output_tokens_per_s=sys_x, per_user_tokens_per_s_p50=1.0 / t, per_user_tokens_per_s_p5=1.0 / t,
        ttft_s_p50=ttft50, ttft_s_p95=ttft95, ttft_s_p99=ttft99, tpot_s_p50=t, tpot_s_p95=t,
        concurrency_admitted=int(round(n * reps)), mean_concurrency=n * reps,
        kv_capacity_tokens=replica.kv_capacity_tokens * reps,
        kv_capacity_tokens_per_replica=replica.kv_capacity_tokens, requests_per_s=sys_x / o,
        goodput_requests_per_s=(sys_x / o if meets else 0.0) if meets is not None else None, meets_slo=meets,
        bound=bound, time_shares=shares, requests_served=workload.requests, requests_rejected=0, preemptions=0,
        makespan_s=workload.requests * o / sys_x if sys_x else math.inf, extrapolated=False, estimated=True,
        notes=("closed-form estimate: percentiles derived from the mean step, not simulated",),
    )
