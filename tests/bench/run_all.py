"""Run every benchmark in tests/bench/ and print a table of their figures.

    .venv/bin/python tests/bench/run_all.py [NAME ...]     (NAME: a script's stem, e.g. sizing_sweep)

Each script runs in its own process (QT_QPA_PLATFORM=offscreen, the same interpreter) and prints its
figure as the last line, ``name=value``. The table lists script, figure, value and wall time (other
``name=value`` lines a script prints appear under it); each script's last line follows, as printed,
for tools that collect them. Exit status 1 when a
script fails or its last line is not ``name=value``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LAST_LINE = re.compile(r"^([A-Za-z_][\w.]*)=(\S+)$")
TIMEOUT_S = 600


def scripts(names: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name not in ("__init__.py", Path(__file__).name))
    if names:
        unknown = set(names) - {p.stem for p in found}
        if unknown:
            raise SystemExit(f"run_all: no benchmark named {', '.join(sorted(unknown))}")
        found = [p for p in found if p.stem in names]
    return found


def run(script: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
        out, err, rc = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired:
        out, err, rc = "", f"timed out after {TIMEOUT_S} s", -1
    seconds = time.perf_counter() - start
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    match = LAST_LINE.match(lines[-1]) if lines else None
    # other whole name=value lines before the last one (e.g. points_per_s) are shown too
    extra = [m.groups() for m in map(LAST_LINE.match, lines[:-1]) if m]
    result = {"script": script.stem, "seconds": seconds, "rc": rc, "extra": extra}
    if rc == 0 and match:
        result.update(name=match.group(1), value=match.group(2), ok=True)
    else:
        reason = f"exit {rc}" if rc else "last line is not name=value"
        tail = (err.strip().splitlines() or [""])[-1]
        result.update(name="-", value=f"FAILED ({reason}) {tail}"[:80], ok=False)
    return result


def table(results: list[dict]) -> str:
    rows = [("benchmark", "figure", "value", "wall s")]
    for r in results:
        rows.append((r["script"], r["name"], r["value"], f"{r['seconds']:.1f}"))
        rows += [("", name, value, "") for name, value in r["extra"] if r["ok"]]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 3 else f"{{:>{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*rows[0]), "  ".join("-" * w for w in widths)]
    out += [fmt.format(*row) for row in rows[1:]]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    results = []
    for script in scripts(argv):
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        results.append(run(script))
    print(table(results))
    print()
    for r in results:
        if r["ok"]:
            print(f"{r['name']}={r['value']}")  # the script's last line
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
