"""`configurator recommend`: good/better/best builds for a workload (DESIGN.md section 5).

    configurator recommend [--mode infer|train|lora|qlora|pretrain] --model ID [--precision P] [--users N]
                           [--context T] [--tokens T] [--budget USD] [--json]
                           [--slo-ttft-p95 S] [--slo-tpot-p95 MS] [--input-tokens ISL] [--output-tokens OSL]
                           [--concurrency C]

With a service level (--slo-ttft-p95 and/or --slo-tpot-p95, inference only) every candidate is simulated
under load (``configurator serve``: C users, default --users, sending ISL / OSL token requests) and passes only
when it meets the level; the notes say why each cheaper rejected build misses it.

--json prints {"branch", "proposals": [{"tier", "build" (a build-file object), "price_total", "summary"}],
"notes"}; proposals ordered good, better, best (fewer when fewer distinct builds pass; none when nothing
fits, and "notes" says why). Money as decimal strings. Exit 0 (also with no proposal), 2 for bad input.
"""

from __future__ import annotations

import json

from configurator.core.errors import InvalidInputError


def register(sub) -> None:
    from configurator.core.recommend import MODES

    p = sub.add_parser("recommend", help="propose good/better/best builds for a workload")
    p.add_argument("--mode", choices=MODES, default="infer", help="infer (default), train (full fine-tune), "
                   "lora, qlora or pretrain")
    p.add_argument("--model", required=True, help="model id (configurator catalog list models)")
    p.add_argument("--precision", help="weight precision id (default: q4_k_m on a workstation, fp8 for serving, "
                   "bf16 for training)")
    p.add_argument("--users", type=int, default=1, help="concurrent users (inference; default 1)")
    p.add_argument("--context", type=int, default=8192, help="tokens each user holds (default 8192)")
    p.add_argument("--tokens", type=float, help="training tokens (default 1e8; pretraining 20 x parameters)")
    p.add_argument("--budget", metavar="USD", help="leave out builds above this list price")
    p.add_argument("--json", action="store_true", help="print the proposals as JSON")
    slo = p.add_argument_group("service level (serving under load)")
    slo.add_argument("--slo-ttft-p95", type=float, metavar="S", help="P95 time to first token, seconds")
    slo.add_argument("--slo-tpot-p95", type=float, metavar="MS", help="P95 time per output token, milliseconds")
    slo.add_argument("--input-tokens", type=int, help="prompt tokens per request (default 1024)")
    slo.add_argument("--output-tokens", type=int, help="output tokens per request (default 512)")
    slo.add_argument("--concurrency", type=int, help="users sending requests at once (default --users)")
    p.set_defaults(func=run)


def run(args) -> int:
    from configurator.catalog import open_catalog
    from configurator.core.buildfile import to_dict
    from configurator.present import money
    from configurator.core.recommend import Request, recommend

    if args.tokens is not None and not (args.tokens >= 1 and args.tokens < float("inf")):
        raise InvalidInputError(f"--tokens must be a number of at least 1, not {args.tokens:g}")
    catalog = open_catalog()
    try:
        for name in ("slo_ttft_p95", "slo_tpot_p95"):
            value = getattr(args, name)
            if value is not None and not (value > 0 and value < float("inf")):
                raise InvalidInputError(f"--{name.replace('_', '-')} must be a positive number, not {value:g}")
        if (args.slo_ttft_p95 is not None or args.slo_tpot_p95 is not None) and args.mode != "infer":
            raise InvalidInputError("a service level (--slo-ttft-p95, --slo-tpot-p95) applies to inference only")
        req = Request(mode=args.mode, model_id=args.model, precision=args.precision, users=args.users,
                      context=args.context, tokens=args.tokens, budget=args.budget,
                      input_tokens=args.input_tokens, output_tokens=args.output_tokens, concurrency=args.concurrency,
                      slo_ttft_p95_s=args.slo_ttft_p95,
                      slo_tpot_p95_s=args.slo_tpot_p95 / 1e3 if args.slo_tpot_p95 is not None else None)
        rec = recommend(req, catalog)
        rows = [{"tier": p.tier, "build": to_dict(p.build), "price_total": str(p.price_total),
                 "summary": p.summary} for p in rec.proposals]
    finally:
        catalog.close()
    if args.json:
        print(json.dumps({"branch": rec.branch, "proposals": rows, "notes": list(rec.notes)}, indent=2))
        return 0
    for row, p in zip(rows, rec.proposals):
        print(f"{row['tier'].upper():7} {p.build.name}  {money(p.price_total, p.analysis.price.currency)}")
        print(f"        {row['summary']}")
    for note in rec.notes:
        print(f"note: {note}")
    return 0
