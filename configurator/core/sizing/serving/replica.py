"""One serving replica under continuous batching, simulated step by step but advanced event to event.

Between two events (a request finishing, an arrival that could be admitted, the KV pool filling up) every
engine step has the same composition: the same decode tokens, no prompt tokens, contexts growing by one token
per running request per step. Its time is then linear in the step index, so a whole run of identical steps is
summed in closed form (n steps of a + b i) instead of one Python iteration per token. Steps that carry prompt
chunks are taken one at a time (there are about as many as prompt tokens / token budget).

The engine rules (admission, preemption, token budget) are in ``engines.py``; the step time is
``StepModel.time`` (core/sizing/inference.py). Plain Python floats and lists throughout: at this size they are
faster than numpy, and the run must stay in the tens of milliseconds for thousands of requests.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass

from configurator.core.sizing.inference import StepModel
from configurator.core.sizing.serving.engines import PAGED, PAGED_ESTIMATE, RESERVE_FULL, SLOTS, EnginePolicy

INF = math.inf
MAX_SEGMENT_STEPS = 1 << 20


@dataclass
class ReplicaRun:
    """What one replica did: per-request times (seconds; first/done are inf for requests never served)."""

    arrival: list[float]
    first: list[float]
    done: list[float]
    prompt: list[int]
    output: list[int]
    peak_running: int
    busy_s: float  # time with at least one request running
    compute_s: float  # step time by what bounds it (sums to the step time)
    bandwidth_s: float
    overhead_s: float
    kv_blocked_s: float  # time with a request waiting that only KV capacity kept out
    preemptions: int
    rejected: int  # requests that can never be admitted (larger than the pool)
    running_time_s: float  # integral of running requests over time (mean concurrency x busy time)
    warmup: int = 0  # closed loop: the first requests (one per user) ramp the load up; figures leave them out


@dataclass(frozen=True)
class ReplicaSpec:
    """The plain numbers one replica run needs (built by simulate.py from an InferenceSetup)."""

    step: StepModel
    policy: EnginePolicy
    kv_capacity_tokens: int  # KV pool of the replica in tokens
    kv_bytes_per_token: float  # per GPU, read by attention for every context token
    attn_flops_per_token: float  # per GPU, decode attention FLOPs per context token
    prefill_flops_per_pair: float  # per GPU, prompt attention FLOPs per (query, key) pair


def run_replica(spec: ReplicaSpec, prompt: list[int], output: list[int], arrival: list[float] | None,
                users: int = 0, think: list[float] | None = None, stagger_s: float = 0.0) -> ReplicaRun:
    """Serve ``len(prompt)`` requests. Open/offline: ``arrival`` holds each request's arrival time (sorted).
    Closed loop: ``arrival`` is None; ``users`` users each send their next request ``think[i]`` seconds after
    their previous one finished (request i is the i-th sent). User u sends its first request at
    u / users x ``stagger_s``: people do not all press enter at once (and equal requests would otherwise stay in
    lock-step waves for ever)."""
    m = spec.step
    pol = spec.policy
    cap = spec.kv_capacity_tokens
    kvb, atok, apair = spec.kv_bytes_per_token, spec.attn_flops_per_token, spec.prefill_flops_per_pair
    budget, max_seqs = pol.token_budget, pol.max_seqs
    adm = pol.admission
    preempts = pol.preempts
    step_time = m.time
    stages = m.stages
    w_fixed, w_expert, n_exp, k_exp = m.w_fixed_s, m.w_expert_s, m.experts, m.k
    c_dec = m.c_dec
    kv_c, af_c = kvb * m.kv_s_per_byte, atok * m.attn_s_per_flop
    attn_ctx = kv_c if kv_c >= af_c else af_c  # attention seconds per context token of a decode step
    attn_compute = af_c > kv_c
    over_fixed = m.layer_s + m.comm_s + m.t_step
    over_tok = m.comm_s_per_token + m.t_seq  # per decode token (= per running sequence)

    n_req = len(prompt)
    arr = [INF] * n_req
    first = [INF] * n_req
    done = [INF] * n_req
    gen = [0] * n_req  # tokens generated so far
    g0 = [0] * n_req  # decode-step counter when the request (re)joined decoding
    epoch = [0] * n_req  # bumped on preemption: stale heap entries are skipped
    state = [0] * n_req  # 0 not admitted, 1 prefilling, 2 decoding, 3 finished

    future: list[tuple[float, int]] = []  # closed loop: users' next requests (time, id)
    next_id = 0
    ai = 0  # open / offline: next request to arrive (arrival is sorted)
    n_arr_open = 0
    if arrival is None:
        think = think or [0.0] * n_req
        for i in range(min(users, n_req)):
            future.append((stagger_s * i / users, i))
        next_id = min(users, n_req)
        arrival = []
    else:
        n_arr_open = n_req
    closed = n_arr_open == 0

    waiting: deque[int] = deque()
    prefill: deque[list] = deque()  # [rid, remaining prompt tokens, tokens of this prefill done]
    dec: list[tuple[int, int, int]] = []  # (finish counter, epoch, rid)
    admitted_order: list[int] = []  # preemption victims: most recently admitted first
    t = 0.0
    g = 0  # decode-step counter
    n_dec = 0  # requests decoding
    s_ctx = 0  # sum of their contexts (tokens)
    alloc_pre = 0  # KV tokens held by requests still prefilling
    reserved = 0  # reserve_full / slots: tokens promised to admitted requests
    rem_out = 0  # sglang: remaining output tokens of admitted requests
    ratio = pol.new_token_ratio
    ratio_step = (pol.new_token_ratio - pol.new_token_ratio_min) / pol.new_token_ratio_decay_steps
    running = 0
    peak = 0
    busy = comp = band = over = blocked = run_int = 0.0
    preemptions = rejected = 0

    def release(rid: int, now: float) -> None:
        nonlocal running, reserved, next_id
        running -= 1
        if adm == RESERVE_FULL or adm == SLOTS:
            reserved -= prompt[rid] + output[rid]
        if closed and next_id < n_req:
            heapq.heappush(future, (now + think[next_id], next_id))
            next_id += 1

    while True:
        # arrivals up to now join the queue
        while ai < n_arr_open and arrival[ai] <= t:
            arr[ai] = arrival[ai]
            waiting.append(ai)
            ai += 1
        while future and future[0][0] <= t:
            a, rid = heapq.heappop(future)
            arr[rid] = a
            waiting.append(rid)
        if running == 0 and not waiting:
            if ai < n_arr_open:
                t = arrival[ai]
            elif future:
                t = future[0][0]
            else:
                break
            continue

        # admission, FCFS: the head of the queue blocks those behind it
        kv_refused = False
        while waiting and running < max_seqs:  # (skipped at once when nobody waits)
            rid = waiting[0]
            need = prompt[rid] + gen[rid]  # a preempted request re-prefills what it had generated
            if adm == PAGED:
                ok = alloc_pre + s_ctx + need <= cap
            elif adm == PAGED_ESTIMATE:
                ok = alloc_pre + s_ctx + ratio * (rem_out + output[rid] - gen[rid]) + need <= cap
            else:  # RESERVE_FULL, SLOTS: the whole request is promised up front
                ok = reserved + prompt[rid] + output[rid] <= cap
            if not ok:
                if running == 0:  # larger than the empty pool: it can never be served
                    waiting.popleft()
                    rejected += 1
                    if closed and next_id < n_req:
                        heapq.heappush(future, (t + think[next_id], next_id))
                        next_id += 1
                    continue
                kv_refused = True
                break
            waiting.popleft()
            if adm == RESERVE_FULL or adm == SLOTS:
                reserved += prompt[rid] + output[rid]
            alloc_pre += need
            rem_out += output[rid] - gen[rid]
            prefill.append([rid, need, 0])
            state[rid] = 1
            admitted_order.append(rid)
            running += 1
        if running > peak:
            peak = running
        if running == 0:
            continue  # only never-servable requests were waiting; go on to the next arrival

        # preemption: the next step's growth does not fit the pool (paged engines only)
        if preempts and n_dec and alloc_pre + s_ctx + n_dec > cap:
            while n_dec and alloc_pre + s_ctx + n_dec > cap and admitted_order:
                victim = admitted_order.pop()
                st = state[victim]
                if st == 2:
                    ctx = prompt[victim] + gen[victim] + (g - g0[victim])
                    gen[victim] += g - g0[victim]
                    s_ctx -= ctx
                    n_dec -= 1
                    epoch[victim] += 1
                elif st == 1:
                    for i, e in enumerate(prefill):
                        if e[0] == victim:
                            alloc_pre -= e[1] + e[2]
                            del prefill[i]
                            break
                else:
                    continue
                rem_out -= output[victim] - gen[victim]
                state[victim] = 0
                running -= 1
                waiting.appendleft(victim)
                preemptions += 1
                if adm == PAGED_ESTIMATE:
                    ratio = pol.new_token_ratio
            if running == 0:
                continue

        left = budget - n_dec
        if prefill and left > 0:
            # ---- one step with prompt chunks ----
            p_tok = 0
            pairs = 0.0
            prefix = 0
            touched = 0
            finished_pre = 0
            for e in prefill:
                c = e[1] if e[1] < left else left
                d0 = e[2]
                pairs += c * d0 + 0.5 * c * c
                prefix += d0
                p_tok += c
                touched += 1
                left -= c
                if c == e[1]:
                    finished_pre += 1
                if left <= 0:
                    break
            dt, cp, bw, ov = step_time(n_dec, p_tok, kvb * (s_ctx + prefix), atok * s_ctx + apair * pairs,
                                       n_dec + touched)
            run_int += running * dt
            t += dt
            g += 1
            s_ctx += n_dec
            rem_out -= n_dec
            busy += dt
            comp += cp
            band += bw
            over += ov
            if kv_refused:
                blocked += dt
            if adm == PAGED_ESTIMATE and ratio > pol.new_token_ratio_min:
                ratio = max(pol.new_token_ratio_min, ratio - ratio_step)
            # advance the chunks taken
            rest = p_tok
            for _ in range(touched):
                e = prefill[0]
                c = e[1] if e[1] < rest else rest
                rest -= c
                if c < e[1]:
                    e[1] -= c
                    e[2] += c
                    break
                prefill.popleft()
                rid = e[0]
                alloc_pre -= e[1] + e[2]
                gen[rid] += 1
                rem_out -= 1
                if first[rid] == INF:
                    first[rid] = t
                if gen[rid] >= output[rid]:
                    state[rid] = 3
                    done[rid] = t
                    release(rid, t)
                else:
                    state[rid] = 2
                    g0[rid] = g
                    s_ctx += prompt[rid] + gen[rid]
                    n_dec += 1
                    heapq.heappush(dec, (g + output[rid] - gen[rid], epoch[rid], rid))
        else:
            # ---- a run of identical decode-only steps up to the next event ----
            # (finishes with nobody waiting are handled in this inner loop: no admission to redo)
            while True:
                while dec and epoch[dec[0][2]] != dec[0][1]:
                    heapq.heappop(dec)  # preempted
                if not dec:
                    break
                n = dec[0][0] - g
                if preempts:
                    room = (cap - alloc_pre - s_ctx) // n_dec
                    if room < n:
                        n = room if room > 1 else 1
                # closed form of StepModel.time with no prompt tokens: the GEMM phase and the fixed costs are the
                # same every step, attention grows by n_dec context tokens per step
                w = w_fixed + (w_expert * (n_exp * (1.0 - (1.0 - k_exp / n_exp) ** n_dec)) if n_exp else 0.0)
                f = n_dec * c_dec
                gemm = w if w > f else f
                attn0 = s_ctx * attn_ctx
                ov = over_fixed + over_tok * n_dec
                a0 = stages * (gemm + attn0) + ov
                slope = stages * n_dec * attn_ctx
                if not waiting and (ai < n_arr_open or future):
                    # stop at the step that passes the next arrival (it may be admitted; a queue that is already
                    # blocked only grows behind its head)
                    gap = (arrival[ai] if ai < n_arr_open else future[0][0]) - t
                    if gap <= a0:
                        n = 1
                    else:
                        if slope > 1e-15:
                            b = a0 - 0.5 * slope
                            na = math.ceil((-b + math.sqrt(b * b + 2.0 * slope * gap)) / slope)
                        else:
                            na = math.ceil(gap / a0)
                        if na < n:
                            n = na if na > 1 else 1
                if n > MAX_SEGMENT_STEPS:
                    n = MAX_SEGMENT_STEPS
                tri = n * (n - 1) * 0.5
                attn_sum = stages * (n * attn0 + n_dec * attn_ctx * tri)
                gemm_sum = stages * n * gemm
                dt = gemm_sum + attn_sum + n * ov
                run_int += running * dt
                t += dt
                g += n
                s_ctx += n_dec * n
                rem_out -= n_dec * n
                busy += dt
                over += n * ov
                if f >= w:
                    comp += gemm_sum
                else:
                    band += gemm_sum
                if attn_compute:
                    comp += attn_sum
                else:
                    band += attn_sum
                if kv_refused:
                    blocked += dt
                if adm == PAGED_ESTIMATE and ratio > pol.new_token_ratio_min:
                    ratio = max(pol.new_token_ratio_min, ratio - ratio_step * n)
                while dec and dec[0][0] <= g:
                    fin, ep, rid = heapq.heappop(dec)
                    if ep != epoch[rid]:
                        continue
                    gen[rid] = output[rid]
                    s_ctx -= prompt[rid] + output[rid]
                    n_dec -= 1
                    state[rid] = 3
                    done[rid] = t
                    release(rid, t)
                if waiting or prefill or not n_dec or (preempts and alloc_pre + s_ctx + n_dec > cap):
                    break
                if (ai < n_arr_open and arrival[ai] <= t) or (future and future[0][0] <= t):
                    break

        # requests whose last token came in this step
        while dec and dec[0][0] <= g:
            fin, ep, rid = heapq.heappop(dec)
            if ep != epoch[rid]:
                continue
            gen[rid] = output[rid]
            s_ctx -= prompt[rid] + output[rid]
            n_dec -= 1
            state[rid] = 3
            done[rid] = t
            release(rid, t)
        if admitted_order and len(admitted_order) > 4 * (running + 8):
            admitted_order = [r for r in admitted_order if state[r] in (1, 2)]

    return ReplicaRun(arr, first, done, prompt, output, peak, busy, comp, band, over, blocked, preemptions,
                      rejected, run_int, min(users, n_req) if closed else 0)
