"""`configurator check BUILD.json [--json]`: the compatibility findings of a saved build, then the sizing
figures of each of its workloads in the same words as the window and the quote (configurator.present).
A build with several workloads prints each one's verdict and figures under its title; ``--json`` adds
``"workloads"``: one object per workload (name, title, kind, selected, fits, sizing_problem) in the file's order.

Exit 0 when no finding is an error, 1 when some are, 2 when the file cannot be read (cli.py prints
the one-line reason).
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("check", help="check a build file against the compatibility rules")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("--json", action="store_true",
                   help='print {"ok": bool, "findings": [...], "workloads": [...]}')
    p.set_defaults(func=run)


def run(args) -> int:
    from configurator import present
    from configurator.catalog import open_catalog
    from configurator.core.analysis import analyze
    from configurator.core.buildfile import load
    from configurator.core.rules import has_errors

    catalog = open_catalog()
    try:
        build = load(args.build, catalog)
        analysis = analyze(build, catalog)  # the rules plus whether the workload fits (WORKLOAD_DOES_NOT_FIT)
        findings = analysis.findings
    finally:
        catalog.close()
    ok = not has_errors(findings)
    if args.json:
        print(json.dumps({"ok": ok, "findings": [f.as_dict() for f in findings],
                          "workloads": [_workload_json(w, i == analysis.selected)
                                        for i, w in enumerate(analysis.workloads)]}, indent=2))
    else:
        from configurator.present.sentences import workload_rows, workload_state, workloads_fit

        for f in findings:
            parts = f" [{', '.join(f.parts)}]" if f.parts else ""
            print(f"{f.severity.upper():7} {f.code}: {f.message}{parts}")
        print(f"{args.build}: {'OK' if ok else 'NOT OK'} ({present.findings_summary(findings)})")
        several = len(analysis.workloads) > 1
        if several:
            print(f"Workloads: {workloads_fit(analysis)}")
        for w in analysis.workloads:
            if several:
                print(f"Workload {w.title}: {workload_state(w)}")
            for label, text in workload_rows(w):
                print(f"  {label}: {text}")
    return 0 if ok else 1


def _workload_json(w, selected: bool) -> dict:
    """One workload's verdict and key figures as raw values (bytes, tokens/s, seconds: scripts read these)."""
    out = {"name": w.name, "title": w.title, "kind": w.workload.kind,
           "mode": w.workload.training.mode if w.workload.kind == "training" else None,
           "selected": selected, "fits": w.fits, "sizing_problem": w.sizing_problem,
           "findings": [f.code for f in w.findings]}
    if w.inference is not None:
        r = w.inference.result
        out.update(memory_total_bytes=_num(r.memory.total_bytes), memory_capacity_bytes=_num(r.memory.capacity_bytes),
                   users=w.inference.users, max_users_at_context=int(r.max_users_at_context),
                   per_user_tokens_per_s=_num(r.per_user_tokens_per_s), ttft_s=_num(r.ttft_s))
    elif w.training is not None:
        r = w.training.result
        out.update(memory_total_bytes=_num(r.memory.total_bytes), memory_capacity_bytes=_num(r.memory.capacity_bytes),
                   tokens_per_s=_num(r.tokens_per_s), train_time_s=_num(r.train_time_s))
    return out


def _num(value) -> float | None:
    """A figure for JSON: a finite float, else null (JSON has no Infinity)."""
    value = float(value)
    return value if math.isfinite(value) else None
