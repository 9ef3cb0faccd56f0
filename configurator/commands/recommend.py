"""`configurator recommend`: good/better/best builds for a workload (DESIGN.md section 5).

    configurator recommend [--mode infer|train|lora|qlora|pretrain] --model ID [--precision P] [--users N]
                           [--context T] [--tokens T] [--budget USD] [--json]

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
        req = Request(mode=args.mode, model_id=args.model, precision=args.precision, users=args.users,
                      context=args.context, tokens=args.tokens, budget=args.budget)
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
