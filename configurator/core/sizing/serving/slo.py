"""Sizing to a service level: does the build meet it at the asked load, the largest load that still meets it
(closed loop: within one user; open loop: within 2% of the rate) and the limit that breaks it beyond.

The search simulates: it brackets the boundary by doubling from the closed-form estimate, then bisects. It
relies on the figures growing with load (TTFT and TPOT percentiles never fall as users or rate rise), which the
simulation keeps by drawing the same requests at every load (same seed; arrival gaps scale with 1 / rate).
"""

from __future__ import annotations

import math
from dataclasses import replace

from configurator.core.sizing.serving.model import CLOSED, MAX_REQUESTS, OPEN, ServingResult, ServingWorkload
from configurator.core.sizing.serving.simulate import Replica, draw_requests, run_layout, summarize

RATE_TOLERANCE = 0.02
MAX_USERS = MAX_REQUESTS // 3  # every user sends at least three requests in a search step
MAX_STEPS = 60


def _at(replica: Replica, workload: ServingWorkload) -> ServingResult:
    return summarize(replica, run_layout(replica, workload, draw_requests(workload)), workload)


def _closed(workload: ServingWorkload, users: int) -> ServingWorkload:
    # enough requests that every user sends several (the first wave alone is not a steady state)
    return replace(workload, arrival=CLOSED, concurrency=int(users), requests=max(workload.requests, 3 * users))


def _open(workload: ServingWorkload, rate: float) -> ServingWorkload:
    return replace(workload, arrival=OPEN, rate_per_s=float(rate))


def failing_metric(r: ServingResult, workload: ServingWorkload) -> str | None:
    slo = workload.slo
    if slo is None or r.meets_slo:
        return None
    q = slo.percentile
    ttft = r.ttft_s_p99 if q > 95 else r.ttft_s_p95
    tpot = r.tpot_s_p95
    bad_ttft = slo.ttft_s is not None and (ttft is None or ttft > slo.ttft_s)
    bad_tpot = slo.tpot_s is not None and (tpot is None or tpot > slo.tpot_s)
    return "both" if bad_ttft and bad_tpot else ("ttft" if bad_ttft else ("tpot" if bad_tpot else "unserved"))


def max_concurrency(replica: Replica, workload: ServingWorkload, start: int = 1
                    ) -> tuple[int, ServingResult | None, ServingResult | None]:
    """(most users meeting the service level, result there, result at one user more)."""
    cache: dict[int, ServingResult] = {}

    def ok(n: int) -> bool:
        if n not in cache:
            cache[n] = _at(replica, _closed(workload, n))
        return bool(cache[n].meets_slo)

    if not ok(1):
        return 0, None, cache[1]
    lo, hi = 1, None
    probe = max(2, int(start))
    for _ in range(MAX_STEPS):
        if probe > MAX_USERS:
            return lo, cache[lo], None
        if ok(probe):
            lo = probe
            probe *= 2
        else:
            hi = probe
            break
    if hi is None:
        return lo, cache[lo], None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo, cache[lo], cache[hi]


def max_rate(replica: Replica, workload: ServingWorkload, start: float
             ) -> tuple[float, ServingResult | None, ServingResult | None]:
    """(highest request rate meeting the service level within RATE_TOLERANCE, result there, result just above)."""
    cache: dict[float, ServingResult] = {}

    def ok(r: float) -> bool:
        if r not in cache:
            cache[r] = _at(replica, _open(workload, r))
        return bool(cache[r].meets_slo)

    probe = max(start, 1e-6)
    lo = hi = None
    for _ in range(MAX_STEPS):
        if ok(probe):
            lo = probe
            if hi is not None:
                break
            probe *= 2.0
        else:
            hi = probe
            if lo is not None:
                break
            probe /= 2.0
            if probe < 1e-6:
                return 0.0, None, cache[hi]
    if lo is None:
        return 0.0, None, cache.get(hi)
    if hi is None:
        return lo, cache[lo], None
    while (hi - lo) / lo > RATE_TOLERANCE:
        mid = math.sqrt(lo * hi)
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo, cache[lo], cache[hi]
