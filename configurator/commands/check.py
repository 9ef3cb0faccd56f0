"""`configurator check BUILD.json [--json]`: the compatibility findings of a saved build.

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
    from configurator.catalog import open_catalog
    from configurator.core.buildfile import load
    from configurator.core.rules import check, has_errors

    catalog = open_catalog()
    try:
        build = load(args.build, catalog)
        findings = check(build)
    finally:
        catalog.close()
    ok = not has_errors(findings)
    if args.json:
        print(json.dumps({"ok": ok, "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        for f in findings:
            parts = f" [{', '.join(f.parts)}]" if f.parts else ""
            print(f"{f.severity.upper():7} {f.code}: {f.message}{parts}")
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        print(f"{args.build}: {'OK' if ok else 'NOT OK'} ({counts['error']} errors, {counts['warning']} warnings, "
              f"{counts['info']} notes)")
    return 0 if ok else 1
