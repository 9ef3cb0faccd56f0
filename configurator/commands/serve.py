"""`configurator serve`: serving a model under load on a build (SIZING.md 3b), from the same core as the app.

    configurator serve --model ID --gpu ID [--gpus N] [--nodes N] [--tp T] [--precision P] [--kv-precision P]
                       [--engine llama.cpp|vllm|sglang|trtllm] --input-tokens ISL --output-tokens OSL
                       (--concurrency C | --rate R | --max) [--requests N] [--seed S]
                       [--slo-ttft-p95 S] [--slo-tpot-p95 MS] [--json]
    extra: [--think-time S] [--length-spread CV] [--slots N] [--network ndr|xdr|400gbe] [--nics N] [--estimate]

``--gpus`` is GPUs per node. ``--max`` is the engine's offline maximum-throughput setting (every request queued
at once). ``--json`` prints one object: system_output_tokens_per_s, per_user_tokens_per_s {p50, p5}, ttft_s
{p50, p95, p99}, tpot_s {p50, p95}, concurrency_admitted, replicas, tp, kv_capacity_tokens, fits, bound, and
with a service level meets_slo plus max_concurrency_meeting_slo (closed loop, ``--max``) or
max_rate_meeting_slo (open loop). A model that does not fit gives fits: false and no speed figures (exit 0).
Bad input exits 2 with one line.
"""

from __future__ import annotations

import json
import math

from configurator.core.errors import InvalidInputError
from configurator.core.system import ETH_400G, IB_NDR, IB_XDR, SystemSpec, default_intra_link

ENGINES = ("llama.cpp", "vllm", "sglang", "trtllm")
NETWORKS = {"ndr": IB_NDR, "xdr": IB_XDR, "400gbe": ETH_400G}
LIMITS = {"gpus": 1024, "nodes": 100_000, "nics": 1024, "tp": 1024, "input-tokens": 10_000_000,
          "output-tokens": 10_000_000, "concurrency": 1_000_000, "requests": 200_000, "slots": 4096}


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="serving under load: throughput, TTFT and per-user speed at N users",
                              description="Simulate serving a model under load on a build (SIZING.md 3b).")
    p.add_argument("--model", required=True, help="model id (configurator catalog list models)")
    p.add_argument("--gpu", required=True, help="GPU id")
    p.add_argument("--gpus", type=int, default=1, help="GPUs per node (default 1)")
    p.add_argument("--nodes", type=int, default=1, help="nodes (default 1)")
    p.add_argument("--tp", type=int, help="tensor-parallel GPUs per replica (default: chosen for the best "
                   "throughput; llama.cpp: GPUs per layer-split replica)")
    p.add_argument("--precision", help="weight precision id (default fp8 where the GPU has FP8, else bf16; "
                   "llama.cpp q4_k_m)")
    p.add_argument("--kv-precision", help="KV-cache precision id (default fp8 with FP8/FP4 weights on a GPU with "
                   "FP8, else fp16)")
    p.add_argument("--engine", choices=ENGINES, default="vllm", help="serving engine (default vllm)")
    p.add_argument("--input-tokens", type=int, required=True, help="prompt tokens per request (mean)")
    p.add_argument("--output-tokens", type=int, required=True, help="output tokens per request (mean)")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--concurrency", type=int, help="closed loop: this many users, each sending again after "
                      "its answer (and --think-time)")
    mode.add_argument("--rate", type=float, help="open loop: Poisson arrivals at this many requests/s")
    mode.add_argument("--max", action="store_true", help="offline maximum throughput: every request queued at once")
    p.add_argument("--requests", type=int, default=1000, help="requests to simulate (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed of lengths and arrivals (default 0)")
    p.add_argument("--slo-ttft-p95", type=float, metavar="S", help="service level: P95 time to first token, seconds")
    p.add_argument("--slo-tpot-p95", type=float, metavar="MS", help="service level: P95 time per output token, ms")
    p.add_argument("--think-time", type=float, default=0.0, metavar="S",
                   help="closed loop: mean pause between a user's answer and next request (default 0)")
    p.add_argument("--length-spread", type=float, default=0.0, metavar="CV",
                   help="spread of prompt and output lengths (coefficient of variation; default 0: all equal)")
    p.add_argument("--slots", type=int, help="llama.cpp parallel slots (default 4)")
    p.add_argument("--network", choices=tuple(NETWORKS), default="ndr", help="inter-node network per NIC")
    p.add_argument("--nics", type=int, help="NICs per node (default: one per GPU)")
    p.add_argument("--estimate", action="store_true", help="closed-form estimate only (no simulation)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=handle)


def _whole(name: str, value, low: int = 1) -> None:
    if value is None:
        return
    if value < low:
        raise InvalidInputError(f"--{name} must be at least {low}, not {value}")
    if value > LIMITS.get(name, math.inf):
        raise InvalidInputError(f"--{name} {value:,} is more than {LIMITS[name]:,}, beyond any real system or workload")


def _number(name: str, value, positive: bool = True) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise InvalidInputError(f"--{name} must be a {'positive' if positive else 'non-negative'} number, "
                                f"not {value:g}")


def _check(args) -> None:
    for name in ("gpus", "nodes", "nics", "tp", "input-tokens", "output-tokens", "concurrency", "requests", "slots"):
        _whole(name, getattr(args, name.replace("-", "_")))
    _whole("seed", args.seed, 0)
    _number("rate", args.rate)
    _number("slo-ttft-p95", args.slo_ttft_p95)
    _number("slo-tpot-p95", args.slo_tpot_p95)
    _number("think-time", args.think_time, positive=False)
    _number("length-spread", args.length_spread, positive=False)
    if args.rate is not None and args.rate > 1e6:
        raise InvalidInputError(f"--rate {args.rate:g} requests/s is beyond any real service")
    if args.length_spread > 10:
        raise InvalidInputError("--length-spread above 10 is not a length distribution")


def _system(args, gpu) -> SystemSpec:
    inter = NETWORKS[args.network] if args.nodes > 1 else None
    nics = (args.nics or args.gpus) if args.nodes > 1 else 0
    return SystemSpec(gpu, gpus_per_node=args.gpus, nodes=args.nodes, intra_link=default_intra_link(gpu),
                      inter_link=inter, nics_per_node=nics)


def _precisions(args, repo, gpu):
    if args.precision:
        weights = repo.precision(args.precision)
    elif args.engine == "llama.cpp":
        weights = repo.precision("q4_k_m")
    else:
        weights = repo.precision("fp8" if gpu.fp8_dense_tflops else "bf16")
    if args.kv_precision:
        kv = repo.precision(args.kv_precision)
    else:
        low = weights.compute in ("fp8", "fp4") and gpu.fp8_dense_tflops
        kv = repo.precision("fp8" if low else "fp16")
    if weights.compute == "fp4" and not gpu.fp4_dense_tflops:
        raise InvalidInputError(f"{gpu.name} has no FP4 tensor rate: {weights.id} needs Blackwell or MI355X")
    return weights, kv


def _round(x, nd=4):
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def handle(args) -> int:
    from configurator.catalog import open_catalog
    from configurator.core.sizing.serving import (
        OFFLINE, OPEN, Lengths, ServiceLevel, ServingBuild, ServingWorkload, estimate, serve, size_to_slo,
    )

    _check(args)
    repo = open_catalog()
    try:
        model = repo.model(args.model)
        gpu = repo.gpu(args.gpu)
        system = _system(args, gpu)
        weights, kv = _precisions(args, repo, gpu)
        engine = repo.engine(args.engine)
        eff = repo.engine_efficiency(engine.id, gpu.gpu_class)
    finally:
        repo.close()
    if args.tp is not None and (args.tp > system.gpus_per_node or system.gpus_per_node % args.tp):
        raise InvalidInputError(f"--tp {args.tp} must divide the {system.gpus_per_node} GPUs of a node (--gpus)")
    if args.slots is not None and engine.id != "llama.cpp":
        raise InvalidInputError("--slots applies to llama.cpp only")
    slo = None
    if args.slo_ttft_p95 is not None or args.slo_tpot_p95 is not None:
        slo = ServiceLevel(args.slo_ttft_p95, args.slo_tpot_p95 / 1e3 if args.slo_tpot_p95 is not None else None)
    arrival = OFFLINE if args.max else (OPEN if args.rate is not None else "closed")
    spread = args.length_spread
    work = ServingWorkload(
        Lengths(args.input_tokens, spread), Lengths(args.output_tokens, spread), arrival=arrival,
        concurrency=args.concurrency or 1, rate_per_s=args.rate or 0.0, think_time_s=args.think_time,
        requests=args.requests, seed=args.seed, slo=slo)
    build = ServingBuild(model, system, weights, kv, engine, eff, tp=args.tp, slots=args.slots)
    sized = None
    if args.estimate:
        r = estimate(build, work)
    elif slo is not None:
        sized = size_to_slo(build, work)
        r = sized.result
    else:
        r = serve(build, work)
    out = _json(args, build, work, r, sized)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        _print_summary(out, r)
    return 0


def _json(args, build, work, r, sized) -> dict:
    lay = r.layout
    out = {
        "model": build.arch.id, "gpu": build.system.gpu.id, "gpus_per_node": build.system.gpus_per_node,
        "nodes": build.system.nodes, "engine": build.engine.id, "precision": build.weight_precision.id,
        "kv_precision": build.kv_precision.id, "arrival": work.arrival, "input_tokens": args.input_tokens,
        "output_tokens": args.output_tokens, "requests": work.requests, "seed": work.seed,
        "fits": bool(r.fits),
        "tp": lay.tp if lay else None, "pp": lay.pp if lay else None, "replicas": lay.replicas if lay else 0,
        "layout": str(lay) if lay else None,
        "kv_capacity_tokens": int(r.kv_capacity_tokens),
        "kv_capacity_tokens_per_replica": int(r.kv_capacity_tokens_per_replica),
        "concurrency_admitted": int(r.concurrency_admitted),
        "bound": r.bound,
    }
    if work.arrival == "closed":
        out["concurrency"] = work.concurrency
    if work.arrival == "open":
        out["rate_per_s"] = work.rate_per_s
    if r.fits:
        out.update({
            "system_output_tokens_per_s": _round(r.system_output_tokens_per_s, 2),
            "per_user_tokens_per_s": {"p50": _round(r.per_user_tokens_per_s_p50, 3),
                                      "p5": _round(r.per_user_tokens_per_s_p5, 3)},
            "ttft_s": {"p50": _round(r.ttft_s_p50), "p95": _round(r.ttft_s_p95), "p99": _round(r.ttft_s_p99)},
            "tpot_s": {"p50": _round(r.tpot_s_p50, 6), "p95": _round(r.tpot_s_p95, 6)},
            "requests_per_s": _round(r.requests_per_s),
            "mean_concurrency": _round(r.mean_concurrency, 2),
            "time_shares": {k: _round(v) for k, v in r.time_shares.items()},
            "preemptions": r.preemptions,
        })
        if r.goodput_requests_per_s is not None:
            out["goodput_requests_per_s"] = _round(r.goodput_requests_per_s)
    if work.slo is not None:
        out["slo"] = {"ttft_p95_s": work.slo.ttft_s,
                      "tpot_p95_s": work.slo.tpot_s}
        out["meets_slo"] = bool(sized.meets_slo) if sized else bool(r.meets_slo)
        if work.arrival == "open":
            out["max_rate_meeting_slo"] = _round(sized.max_rate_per_s) if sized else None
        else:
            out["max_concurrency_meeting_slo"] = sized.max_concurrency if sized else None
        if sized:
            out["binding_limit"] = sized.binding
            out["failing_metric"] = sized.failing_metric
    out["estimated"] = bool(r.estimated)
    out["extrapolated"] = bool(r.extrapolated)
    out["notes"] = list(r.notes) + (list(sized.notes) if sized else [])
    return out


def _print_summary(o: dict, r) -> None:
    from configurator.present import count, duration, tokens_per_s

    print(f"{o['model']} on {o['nodes']} x {o['gpus_per_node']} x {o['gpu']}, {o['engine']}, "
          f"{o['precision']} weights, {o['kv_precision']} KV cache ({o['arrival']} load)")
    if not o["fits"]:
        print("  DOES NOT FIT: " + "; ".join(o["notes"][:1]))
        return
    print(f"  layout {o['layout']}; KV pool {o['kv_capacity_tokens']:,} tokens; "  # present: tokens()
          f"{count(o['concurrency_admitted'], 'request')} running at most")
    print(f"  system output {tokens_per_s(r.system_output_tokens_per_s or 0.0)}; per user "
          f"{tokens_per_s(r.per_user_tokens_per_s_p50 or 0.0)} (slowest 5%: "
          f"{tokens_per_s(r.per_user_tokens_per_s_p5 or 0.0)})")
    print(f"  time to first token: p50 {duration(r.ttft_s_p50)}, p95 {duration(r.ttft_s_p95)}, "
          f"p99 {duration(r.ttft_s_p99)}; time per output token p50 {duration(r.tpot_s_p50)}, "
          f"p95 {duration(r.tpot_s_p95)}")
    print(f"  bound by {o['bound'].replace('_', ' ')}")
    if "meets_slo" in o:
        verdict = "meets" if o["meets_slo"] else "does not meet"
        limit = (f"up to {count(o['max_concurrency_meeting_slo'], 'user')}"
                 if o.get("max_concurrency_meeting_slo") is not None
                 else f"up to {o.get('max_rate_meeting_slo') or 0:g} requests/s")
        print(f"  {verdict} the service level; it holds {limit}"
              + (f"; beyond, {o['binding_limit'].replace('_', ' ')} binds" if o.get("binding_limit") else ""))
    for note in o["notes"]:
        print(f"  note: {note}")
