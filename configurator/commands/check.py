"""`configurator check BUILD.json [--json]`: the compatibility findings of a saved build, then the sizing
figures of its workload in the same words as the window and the quote (configurator.present).

Exit 0 when no finding is an error, 1 when some are, 2 when the file cannot be read (cli.py prints
the one-line reason).
"""

from __future__ import annotations

import json
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("check", help="check a build file against the compatibility rules")
    p.add_argument("build", type=Path, metavar="BUILD.json")
    p.add_argument("--json", action="store_true", help='print {"ok": bool, "findings": [...]}')
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
        print(json.dumps({"ok": ok, "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        for f in findings:
            parts = f" [{', '.join(f.parts)}]" if f.parts else ""
            print(f"{f.severity.upper():7} {f.code}: {f.message}{parts}")
        print(f"{args.build}: {'OK' if ok else 'NOT OK'} ({present.findings_summary(findings)})")
        rows = present.analysis_rows(analysis)
        if not rows and analysis.sizing_problem:
            rows = [("Sizing", analysis.sizing_problem)]
        for label, text in rows:
            print(f"  {label}: {text}")
    return 0 if ok else 1
