"""`configurator size`: does a workload fit, how fast does it run (SIZING.md), from the same core as the app.

Inference:  configurator size --model ID --precision P --gpu ID [--gpus N] [--nodes N] [--parallel tp|layer]
            [--engine llama.cpp|vllm|trtllm|sglang] [--context TOKENS] [--users N] [--prompt TOKENS]
            [--kv-precision P] [--json]
Training:   configurator size --mode train|lora|qlora|pretrain --model ID --gpu ID --gpus N [--nodes N]
            [--tp T] [--pp P] [--cp C] [--ep E] [--zero 0-3] [--recompute auto|none|selective|full]
            [--optimizer adamw|adamw8bit|sgd] [--seq LEN] [--micro-batch B] [--global-batch S] [--tokens T] [--json]
            Layout degrees, ZeRO stage and recompute left out are chosen by the layout search (the fastest
            layout that fits); data parallel takes the remaining GPUs.
Figures in JSON are decimal GB (1e9 bytes), tokens/s and seconds.
"""

from __future__ import annotations

import json
import math

from configurator.core.errors import InvalidInputError
from configurator.core.system import ETH_400G, IB_HDR, IB_NDR, IB_XDR, SystemSpec, node_system
from configurator.core.units import GB
from configurator.core.workload import ENGINES, OPTIMIZERS, PARALLEL, RECOMPUTE, ZERO_AUTO, TrainingWorkload

MODES = ("train", "full", "lora", "qlora", "pretrain")
NETWORKS = {"hdr": IB_HDR, "ndr": IB_NDR, "xdr": IB_XDR, "400gbe": ETH_400G}
DEFAULT_CONTEXT = 8192  # tokens per user when --context is left out (capped at the model's maximum)
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
    inf.add_argument("--context", type=int, help="tokens each user holds (default 8192, or the model's maximum "
                                                 "if shorter)")
    inf.add_argument("--users", type=int, default=1, help="concurrent users (default 1)")
    inf.add_argument("--prompt", type=int, default=1024, help="prompt tokens for prefill/TTFT (default 1024)")
    inf.add_argument("--kv-precision", default="fp16", help="KV-cache precision id (default fp16)")
    inf.add_argument("--compute", choices=("fp32", "fp16", "fp8", "fp4", "int8"),
                     help="tensor rate to compute at (default: the weight precision's)")
    tr = p.add_argument_group("training")
    tr.add_argument("--tp", type=int, default=0, help="tensor parallel degree (default: searched)")
    tr.add_argument("--pp", type=int, default=0, help="pipeline parallel stages (default: searched)")
    tr.add_argument("--cp", type=int, default=0, help="context parallel degree (default: searched)")
    tr.add_argument("--ep", type=int, default=0, help="expert parallel degree, MoE only (default: searched)")
    tr.add_argument("--zero", type=int, help="ZeRO stage 0-3 (3 = FSDP; default: searched)")
    tr.add_argument("--recompute", choices=RECOMPUTE, default="auto",
                    help="activation recompute (default auto: the fastest that fits)")
    tr.add_argument("--optimizer", choices=OPTIMIZERS, default="adamw")
    tr.add_argument("--seq", type=int, help="sequence length (default 4096)")
    tr.add_argument("--micro-batch", type=int, default=1)
    tr.add_argument("--global-batch", type=int,
                    help="sequences per optimizer step (default 64; pretrain 512)")
    tr.add_argument("--tokens", type=float, default=1e9, help="tokens to train on (default 1e9)")
    tr.add_argument("--mfu", type=float, default=0.0,
                    help="compute efficiency assumption: share of the dense peak while computing, before pipeline "
                         "bubbles and exposed communication (default: calibrated, db/training_efficiency.csv)")
    tr.add_argument("--lora-rank", type=int)
    tr.add_argument("--fp32-grads", action="store_true", help="18-byte AdamW convention (fp32 gradients)")
    net = p.add_argument_group("build")
    net.add_argument("--network", choices=tuple(NETWORKS), default="ndr", help="inter-node network per NIC")
    net.add_argument("--nics", type=int, help="NICs per node (default: one per GPU)")
    net.add_argument("--bridged", action="store_true", help="NVLink bridges between bridge-capable PCIe cards")
    net.add_argument("--bridge-ways", type=int, choices=(2, 4), default=2,
                     help="cards one bridge set joins (default 2: pairs; a ring over more crosses PCIe)")
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
    "tp": 1024, "pp": 1024, "cp": 1024, "ep": 1024,
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
    return node_system(gpu, args.gpus, args.nodes, bridged=args.bridged, bridge_ways=args.bridge_ways,
                       inter_link=inter, nics_per_node=nics)


def _gb(x: float) -> float:
    return round(x / GB, 3)


def handle(args) -> int:
    from configurator.catalog import open_catalog

    repo = open_catalog()
    try:
        model = _model(repo, args.model)
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


def _model(repo, model_id: str):
    """A catalog model, else one imported into the user database (configurator catalog import-model)."""
    from configurator.core.errors import UnknownPartError

    try:
        return repo.model(model_id)
    except UnknownPartError:
        from configurator.store.userdb import UserDatabase, user_database_path

        path = user_database_path()
        if path.exists():
            db = UserDatabase(path)
            try:
                found = db.imported_model(model_id)
            finally:
                db.close()
            if found is not None:
                return found
        raise


def _inference(args, repo, model, system) -> dict:
    from configurator.core.sizing import evaluate_inference, gpu_has_rate, prepare_inference
    from configurator.core.sizing.validate import check_context

    if args.context is None:
        args.context = min(DEFAULT_CONTEXT, model.max_context or DEFAULT_CONTEXT)
    for name in ("context", "prompt"):
        _positive(name, getattr(args, name), allow_zero=True)
    _positive("users", args.users)
    check_context(model, args.context)
    check_context(model, args.prompt, "a prompt")
    prec = repo.precision(args.precision or "q4_k_m")
    kv = repo.precision(args.kv_precision)
    if args.compute == "fp4" and not gpu_has_rate(system.gpu, "fp4"):
        # FP4 weights alone run weight-only (W4A16) at the 16-bit rate; FP4 *compute* needs FP4 tensor cores
        raise InvalidInputError(f"{system.gpu.name} has no FP4 tensor cores: --compute fp4 needs Blackwell or MI355X "
                                f"(leave --compute out: {prec.id} weights then run weight-only at the 16-bit rate)")
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
    from configurator.core.sizing.training import RECIPES

    mode = "full" if args.mode == "train" else args.mode
    recipe = RECIPES[mode]
    seq = args.seq if args.seq is not None else recipe["seq_len"]
    global_batch = args.global_batch if args.global_batch is not None else recipe["global_batch"]
    lora_rank = args.lora_rank if args.lora_rank is not None else recipe["lora_rank"]
    for name, value in (("seq", seq), ("micro-batch", args.micro_batch), ("global-batch", global_batch),
                        ("lora-rank", lora_rank)):
        _positive(name, value)
    for name in ("tp", "pp", "cp", "ep"):
        _positive(name, getattr(args, name), allow_zero=True)
    _positive("tokens", args.tokens, allow_zero=True)
    if not 0 <= args.mfu <= 1:
        raise InvalidInputError(f"--mfu must be between 0 and 1 (0: calibrated), not {args.mfu:g}")
    if args.zero is not None and args.zero not in (0, 1, 2, 3):
        raise InvalidInputError(f"--zero must be 0, 1, 2 or 3, not {args.zero}")
    prec = repo.precision(args.precision or "bf16")
    if prec.id not in TRAIN_PRECISIONS:
        raise InvalidInputError(f"training precision must be one of {', '.join(TRAIN_PRECISIONS)}, not {prec.id}")
    wl = TrainingWorkload(mode=mode, model_id=model.id, precision=prec.id, tokens=args.tokens, seq_len=seq,
                          micro_batch=args.micro_batch, global_batch=global_batch,
                          zero_stage=ZERO_AUTO if args.zero is None else args.zero, recompute=args.recompute,
                          optimizer=args.optimizer, lora_rank=lora_rank, mfu=args.mfu, fp32_grads=args.fp32_grads,
                          tp=args.tp, pp=args.pp, cp=args.cp, ep=args.ep)
    rows = [row for rate in ("fp16", "fp8", "fp32")
            if (row := repo.training_efficiency(rate, system.gpu.gpu_class)) is not None]
    r = evaluate_training(model, system, wl, prec, rows)
    m = r.memory
    lay = r.layout
    out = {
        "mode": args.mode, "model": model.id, "gpu": system.gpu.id, "gpus_per_node": system.gpus_per_node,
        "nodes": system.nodes, "precision": prec.id, "zero": lay.zero, "recompute": lay.recompute,
        "optimizer": args.optimizer, "seq": seq, "micro_batch": args.micro_batch,
        "global_batch": global_batch, "tokens": args.tokens,
        "layout": {"tp": lay.tp, "pp": lay.pp, "cp": lay.cp, "ep": lay.ep, "dp": lay.dp},
        "virtual_stages": lay.virtual_stages, "micro_batches": lay.micro_batches,
        "layout_reason": r.reason, "layouts_considered": r.layouts_considered, "layouts_fitting": r.layouts_fitting,
        "fits": bool(r.fits),
        "memory_gb": {"weights": _gb(m.weights_bytes), "gradients": _gb(m.gradients_bytes),
                      "optimizer": _gb(m.optimizer_bytes), "activations": _gb(m.activations_bytes),
                      "reserve": _gb(m.reserve_bytes), "total_per_gpu": _gb(m.total_bytes),
                      "capacity_per_gpu": _gb(m.capacity_bytes)},
        "mfu": round(r.mfu, 4),
        "hfu": round(r.hfu, 4),
        "efficiency": round(r.efficiency, 4),
        "model_tflops_per_gpu": round(r.model_tflops_per_gpu, 1),
        "tokens_per_s": round(r.tokens_per_s, 1),
        "tokens_per_s_per_gpu": round(r.tokens_per_s_per_gpu, 2),
        "step_s": round(r.step_s, 4),
        "train_time_s": round(r.train_time_s, 1),
        "comm_share_exposed": round(r.exposed_share, 4),
        "comm_s_per_step": {k: round(v, 4) for k, v in r.comm_breakdown_s.items()},
        "bubble_share": round(r.bubble_s / r.step_s, 4) if r.step_s > 0 else 0.0,
        "allreduce_share": round(r.allreduce_share, 4),
        "allreduce_exposed_share": round(r.exposed_share, 4),
        "allreduce_s_per_step": round(r.allreduce_s, 4),
        "trainable_params": r.trainable_params,
        "flops_per_token": r.flops_per_token,
        "hardware_flops_per_token": r.hardware_flops_per_token,
        "compute": r.compute_used,
        "notes": list(r.notes),
    }
    if args.tokens > 0:
        out["training_time_h"] = round(r.train_time_s / 3600.0, 3)
    return out


def _print_summary(o: dict) -> None:
    from configurator.present import memory

    # The JSON's memory is decimal GB (scripts); the text reads in the datasheet GB like the window and the PDFs.
    mem = {k: memory(v * GB) for k, v in o["memory_gb"].items()}
    parts = ", ".join(f"{k} {v}" for k, v in mem.items() if k not in ("total_per_gpu", "capacity_per_gpu"))
    print(f"{o['model']} on {o['nodes']} x {o['gpus_per_node']} x {o['gpu']} ({o['mode']})")
    print(f"  memory per GPU: {mem['total_per_gpu']} of {mem['capacity_per_gpu']} "
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
        from configurator.present import duration, share, tokens_per_s

        lay = o["layout"]
        print(f"  layout: {o['layout_reason']}")
        print(f"  {tokens_per_s(o['tokens_per_s'])} ({tokens_per_s(o['tokens_per_s_per_gpu'])} per GPU, "
              f"{o['model_tflops_per_gpu']:,.0f} model TFLOP/s per GPU, MFU {share(o['mfu'])}); {o['tokens']:g} "
              f"tokens in {duration(o['train_time_s'])}; communication {share(o['allreduce_share'])} of a "
              f"non-overlapped step ({share(o['comm_share_exposed'])} exposed); TP {lay['tp']} x PP {lay['pp']} x "
              f"CP {lay['cp']} x EP {lay['ep']} x DP {lay['dp']}")
    for note in o["notes"]:
        print(f"  note: {note}")
