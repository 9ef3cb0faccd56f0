"""`configurator size`: does a workload fit, how fast does it run (SIZING.md), from the same core as the app.

Inference:  configurator size --model ID --precision P --gpu ID [--gpus N] [--nodes N] [--parallel tp|layer]
            [--engine llama.cpp|vllm|trtllm|sglang] [--context TOKENS] [--users N] [--prompt TOKENS]
            [--kv-precision P] [--json]
Training:   configurator size --mode train|lora|qlora|pretrain --model ID --gpu ID --gpus N [--nodes N]
            [--zero 0-3] [--recompute none|selective|full] [--optimizer adamw|adamw8bit|sgd] [--seq LEN]
            [--micro-batch B] [--tokens T] [--json]
Figures in JSON are decimal GB (1e9 bytes), tokens/s and seconds.
"""

from __future__ import annotations

import json
import math

from configurator.core.errors import InvalidInputError
from configurator.core.system import ETH_400G, IB_NDR, IB_XDR, SystemSpec, default_intra_link
from configurator.core.units import GB
from configurator.core.workload import ENGINES, OPTIMIZERS, PARALLEL, RECOMPUTE, TrainingWorkload

MODES = ("train", "full", "lora", "qlora", "pretrain")
NETWORKS = {"ndr": IB_NDR, "xdr": IB_XDR, "400gbe": ETH_400G}
TRAIN_PRECISIONS = ("fp32", "bf16", "fp16", "fp8")


def register(subparsers) -> None:
    p = subparsers.add_parser("size", help="memory fit, tokens/s, time to first token, training time",
                              description="Size a workload on a build (SIZING.md).")
    p.add_argument("--model", required=True, help="model id (configurator catalog list models)")
    p.add_argument("--gpu", required=True, help="GPU id")
    p.add_argument("--precision", help="weight precision id (default q4_k_m; training: bf16)")
    p.add_argument("--gpus", type=int, default=1, help="GPUs per node (default 1)")
    p.add_argument("--nodes", type=int, default=1, help="nodes (default 1)")
    p.add_argument("--mode", choices=MODES, help="training mode; leave out for inference")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    inf = p.add_argument_group("inference")
    inf.add_argument("--engine", choices=ENGINES, default="llama.cpp")
    inf.add_argument("--parallel", choices=PARALLEL, help="tp or layer (default: the engine's)")
    inf.add_argument("--context", type=int, default=8192, help="tokens each user holds (default 8192)")
    inf.add_argument("--users", type=int, default=1, help="concurrent users (default 1)")
    inf.add_argument("--prompt", type=int, default=1024, help="prompt tokens for prefill/TTFT (default 1024)")
    inf.add_argument("--kv-precision", default="fp16", help="KV-cache precision id (default fp16)")
    inf.add_argument("--compute", choices=("fp32", "fp16", "fp8", "fp4", "int8"),
                     help="tensor rate to compute at (default: the weight precision's)")
    tr = p.add_argument_group("training")
    tr.add_argument("--zero", type=int, default=0, help="ZeRO stage 0-3 (3 = FSDP)")
    tr.add_argument("--recompute", choices=RECOMPUTE, default="selective")
    tr.add_argument("--optimizer", choices=OPTIMIZERS, default="adamw")
    tr.add_argument("--seq", type=int, default=4096, help="sequence length (default 4096)")
    tr.add_argument("--micro-batch", type=int, default=1)
    tr.add_argument("--global-batch", type=int, default=64, help="sequences per optimizer step (default 64)")
    tr.add_argument("--tokens", type=float, default=1e9, help="tokens to train on (default 1e9)")
    tr.add_argument("--mfu", type=float, default=0.40, help="model FLOPs utilisation assumption (default 0.40)")
    tr.add_argument("--lora-rank", type=int, default=16)
    tr.add_argument("--fp32-grads", action="store_true", help="18-byte AdamW convention (fp32 gradients)")
    net = p.add_argument_group("build")
    net.add_argument("--network", choices=tuple(NETWORKS), default="ndr", help="inter-node network per NIC")
    net.add_argument("--nics", type=int, help="NICs per node (default: one per GPU)")
    net.add_argument("--bridged", action="store_true", help="NVLink bridges between bridge-capable PCIe cards")
    p.set_defaults(func=handle)


# Largest values that still describe real hardware or workloads; beyond them a number is a typo.
LIMITS = {
    "gpus": 1024,  # GPUs per node
    "nodes": 100_000,
    "nics": 1024,
    "users": 1_000_000,
    "context": 100_000_000,  # tokens per user (10x the longest context any model offers)
    "prompt": 100_000_000,
    "seq": 100_000_000,
    "micro-batch": 1_000_000,
    "global-batch": 100_000_000,
    "lora-rank": 65_536,
    "tokens": 1e16,  # tokens to train on (current frontier runs are ~1e13-1e14)
}


def _positive(name: str, value, allow_zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(f"--{name} must be a finite number")
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidInputError(f"--{name} must be {'zero or more' if allow_zero else 'at least 1'}, not {value:g}")
    limit = LIMITS.get(name)
    if limit is not None and value > limit:
        raise InvalidInputError(f"--{name} {value:g} is more than {limit:g}, beyond any real system or workload")


def _system(args, gpu) -> SystemSpec:
    _positive("gpus", args.gpus)
    _positive("nodes", args.nodes)
    _positive("nics", args.nics)
    inter = NETWORKS[args.network] if args.nodes > 1 else None
    nics = (args.nics or args.gpus) if args.nodes > 1 else 0
    return SystemSpec(gpu, gpus_per_node=args.gpus, nodes=args.nodes,
                      intra_link=default_intra_link(gpu, bridged=args.bridged), inter_link=inter, nics_per_node=nics)


def _gb(x: float) -> float:
    return round(x / GB, 3)


def handle(args) -> int:
    from configurator.catalog import open_catalog

    repo = open_catalog()
    try:
        model = repo.model(args.model)
        gpu = repo.gpu(args.gpu)
        system = _system(args, gpu)
        out = _training(args, repo, model, system) if args.mode else _inference(args, repo, model, system)
    finally:
        repo.close()
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        _print_summary(out)
    return 0


def _inference(args, repo, model, system) -> dict:
    from configurator.core.sizing import evaluate_inference, gpu_has_rate, prepare_inference

    for name in ("context", "prompt"):
        _positive(name, getattr(args, name), allow_zero=True)
    _positive("users", args.users)
    prec = repo.precision(args.precision or "q4_k_m")
    kv = repo.precision(args.kv_precision)
    compute = args.compute or prec.compute
    if compute == "fp4" and not gpu_has_rate(system.gpu, "fp4"):
        raise InvalidInputError(f"{system.gpu.name} has no FP4 tensor rate: {prec.id} compute needs Blackwell or MI355X "
                                f"(use --compute fp16 or another precision)")
    engine = repo.engine(args.engine)
    eff = repo.engine_efficiency(engine.id, system.gpu.gpu_class)
    setup = prepare_inference(model, system, prec, kv, eff, engine, args.parallel, args.compute)
    r = evaluate_inference(setup, args.users, args.context, args.prompt)
    m = r.memory
    return {
        "mode": "inference", "model": model.id, "gpu": system.gpu.id, "gpus_per_node": system.gpus_per_node,
        "nodes": system.nodes, "engine": engine.id, "parallel": setup.plan.mode, "tp": r.tp, "pp": r.pp,
        "precision": prec.id, "kv_precision": kv.id, "compute": r.compute_used,
        "context": args.context, "users": args.users, "prompt": args.prompt,
        "fits": bool(r.fits),
        "memory_gb": {"weights": _gb(m.weights_bytes), "kv_cache": _gb(m.kv_cache_bytes),
                      "activations": _gb(m.activations_bytes), "reserve": _gb(m.reserve_bytes),
                      "total_per_gpu": _gb(m.total_bytes), "capacity_per_gpu": _gb(m.capacity_bytes)},
        "decode_tokens_per_s": {"ceiling": round(r.ceiling_tokens_per_s, 2),
                                "expected": round(r.per_user_tokens_per_s, 2),
                                "per_user": round(r.per_user_tokens_per_s, 2),
                                "aggregate": round(r.aggregate_tokens_per_s, 2)},
        "prefill_tokens_per_s": round(r.prefill_tokens_per_s, 1),
        "ttft_s": round(r.ttft_s, 4),
        "decode_step_ms": round(r.step_s * 1e3, 3),
        "compute_bound": r.compute_bound,
        "kv_bytes_per_token": r.kv_bytes_per_token,
        "max_users_at_context": r.max_users_at_context,
        "max_context_tokens": r.max_context_tokens,
        "experts_touched_per_layer": round(r.experts_touched, 2),
        "efficiency": {"eff_mem": eff.eff_mem, "eff_compute": eff.eff_compute, "eff_prefill": eff.eff_prefill,
                       "t_layer_us": eff.t_layer_us, "calibrated_on": eff.calibrated_on},
        "notes": list(r.notes),
    }


def _training(args, repo, model, system) -> dict:
    from configurator.core.sizing import evaluate_training

    for name in ("seq", "micro_batch", "global_batch", "lora_rank"):
        _positive(name.replace("_", "-"), getattr(args, name))
    _positive("tokens", args.tokens, allow_zero=True)
    if not 0 < args.mfu <= 1:
        raise InvalidInputError(f"--mfu must be between 0 and 1, not {args.mfu:g}")
    if args.zero not in (0, 1, 2, 3):
        raise InvalidInputError(f"--zero must be 0, 1, 2 or 3, not {args.zero}")
    prec = repo.precision(args.precision or "bf16")
    if prec.id not in TRAIN_PRECISIONS:
        raise InvalidInputError(f"training precision must be one of {', '.join(TRAIN_PRECISIONS)}, not {prec.id}")
    mode = "full" if args.mode == "train" else args.mode
    wl = TrainingWorkload(mode=mode, model_id=model.id, precision=prec.id, tokens=args.tokens, seq_len=args.seq,
                          micro_batch=args.micro_batch, global_batch=args.global_batch, zero_stage=args.zero,
                          recompute=args.recompute, optimizer=args.optimizer, lora_rank=args.lora_rank,
                          mfu=args.mfu, fp32_grads=args.fp32_grads)
    r = evaluate_training(model, system, wl, prec)
    m = r.memory
    return {
        "mode": args.mode, "model": model.id, "gpu": system.gpu.id, "gpus_per_node": system.gpus_per_node,
        "nodes": system.nodes, "precision": prec.id, "zero": args.zero, "recompute": args.recompute,
        "optimizer": args.optimizer, "seq": args.seq, "micro_batch": args.micro_batch,
        "global_batch": args.global_batch, "tokens": args.tokens, "mfu": args.mfu,
        "fits": bool(r.fits),
        "memory_gb": {"weights": _gb(m.weights_bytes), "gradients": _gb(m.gradients_bytes),
                      "optimizer": _gb(m.optimizer_bytes), "activations": _gb(m.activations_bytes),
                      "reserve": _gb(m.reserve_bytes), "total_per_gpu": _gb(m.total_bytes),
                      "capacity_per_gpu": _gb(m.capacity_bytes)},
        "tokens_per_s": round(r.tokens_per_s, 1),
        "train_time_s": round(r.train_time_s, 1),
        "allreduce_share": round(r.allreduce_share, 4),
        "allreduce_exposed_share": round(r.exposed_share, 4),
        "allreduce_s_per_step": round(r.allreduce_s, 4),
        "step_s": round(r.step_s, 4),
        "trainable_params": r.trainable_params,
        "flops_per_token": r.flops_per_token,
        "compute": r.compute_used,
        "notes": list(r.notes),
    }


def _print_summary(o: dict) -> None:
    mem = o["memory_gb"]
    parts = ", ".join(f"{k} {v:g}" for k, v in mem.items() if k not in ("total_per_gpu", "capacity_per_gpu"))
    print(f"{o['model']} on {o['nodes']} x {o['gpus_per_node']} x {o['gpu']} ({o['mode']})")
    print(f"  memory per GPU: {mem['total_per_gpu']:g} GB of {mem['capacity_per_gpu']:g} GB "
          f"({'fits' if o['fits'] else 'DOES NOT FIT'}): {parts}")
    if o["mode"] == "inference":
        d = o["decode_tokens_per_s"]
        print(f"  decode: {d['expected']:g} tok/s per user (ceiling {d['ceiling']:g}), {d['aggregate']:g} tok/s "
              f"for {o['users']} users at {o['context']} tokens; engine {o['engine']}, {o['parallel']} "
              f"(tp {o['tp']}, stages {o['pp']})")
        print(f"  prefill: {o['prefill_tokens_per_s']:g} tok/s; time to first token {o['ttft_s']:g} s "
              f"for a {o['prompt']}-token prompt")
        print(f"  most users at this context: {o['max_users_at_context']}; longest context for "
              f"{o['users']} users: {o['max_context_tokens']} tokens")
    else:
        days = o["train_time_s"] / 86400
        print(f"  {o['tokens_per_s']:g} tokens/s; {o['tokens']:g} tokens in {days:.2f} days; gradient sync "
              f"{o['allreduce_share']:.0%} of a non-overlapped step ({o['allreduce_exposed_share']:.0%} exposed)")
    for note in o["notes"]:
        print(f"  note: {note}")
