"""Benchmark: the app and the command line on a catalog of 50,000 parts.

Generates the catalog itself: the internal catalog built from db/, plus synthetic parts (copies of the real
rows of every sellable kind under new ids, each with a list price and a dealer cost) up to 50,000 parts,
and a price list of 50,000 rows for it. Then measures, each the median of three runs in fresh processes:

- start_ms: start to first paint of the window (``configurator --smoke BUILD.json``, its startup_ms);
- check_ms: ``configurator check BUILD.json`` from process start to exit (wall clock);
- import_ms: ``configurator catalog import-prices FILE.csv`` of the 50,000 rows, from process start to exit,
  each run on a fresh copy of the catalog (all-or-nothing kept: one transaction).

Targets: 1500 / 1000 / 1000 ms. Last line: ``start_ms=... check_ms=... import_ms=...``.
Run: QT_QPA_PLATFORM=offscreen python tests/bench/catalog_scale.py
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

N_PARTS = 50_000
RUNS = 3
BUILD = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"
# kinds that get the synthetic parts (the ones a distributor's list is long in), and their share
SPREAD = {"storage": 0.25, "memory": 0.2, "network": 0.15, "psus": 0.1, "gpus": 0.1, "chassis": 0.05,
          "platforms": 0.05, "bridges": 0.05, "services": 0.05}


def make_catalog(folder: Path) -> tuple[Path, Path]:
    """(catalog with 50,000 parts, a price CSV with a row for each of them)."""
    from configurator.catalog.build import build_catalog
    from configurator.core.parts import PART_KINDS

    path = build_catalog(folder / "catalog-50k.sqlite", edition="internal")
    con = sqlite3.connect(path)
    todo = N_PARTS - con.execute("select count(*) from prices").fetchone()[0]  # every sellable part is priced
    rows_prices, rows_costs = [], []
    for kind, share in SPREAD.items():
        columns = [r[1] for r in con.execute(f'pragma table_info("{kind}")')]
        seeds = con.execute(f'select * from "{kind}" where id in (select id from prices)').fetchall()
        n = round(todo * share) if kind != "services" else todo - sum(round(todo * s) for k, s in SPREAD.items()
                                                                       if k != "services")
        new_rows = []
        for i in range(n):
            row = list(seeds[i % len(seeds)])
            new_id = f"{row[columns.index('id')]}-x{i:05d}"
            row[columns.index("id")] = new_id
            if "name" in columns:
                row[columns.index("name")] = f"{row[columns.index('name')]} (variant {i})"
            new_rows.append(row)
            rows_prices.append((new_id, f"{1000 + i % 9000}.00", "USD", "list", "synthetic benchmark part"))
            rows_costs.append((new_id, f"{800 + i % 7000}.00", "USD", "synthetic"))
        con.executemany(f'insert into "{kind}" values ({",".join("?" * len(columns))})', new_rows)
    con.executemany("insert into prices values (?, ?, ?, ?, ?)", rows_prices)
    con.executemany("insert into costs values (?, ?, ?, ?)", rows_costs)
    con.commit()
    total = sum(con.execute(f'select count(*) from "{kind}"').fetchone()[0] for kind in PART_KINDS)
    ids = [r[0] for r in con.execute("select id from prices order by rowid")][:N_PARTS]
    costs = dict(con.execute("select id, cost from costs"))
    con.execute("vacuum")
    con.close()
    assert total >= N_PARTS, total
    csv = folder / "prices-50k.csv"
    lines = ["id,list_price,cost"]
    for i, pid in enumerate(ids):
        cost = float(costs.get(pid) or 0)
        lines.append(f"{pid},{cost + 100 + i % 50:.2f},{cost:.2f}")
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, csv


def timed(args: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "configurator", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    ms = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 1):  # check exits 1 for a build with error findings
        raise SystemExit(f"catalog_scale: configurator {' '.join(args)} failed: {done.stderr.strip()}")
    return ms, done.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalog, csv = make_catalog(folder)
        base = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(folder / "data"),
                "XDG_CONFIG_HOME": str(folder / "config"), "CONFIGURATOR_CATALOG": str(catalog)}
        timed(["check", str(BUILD)], base)  # warm the file cache and the user database once
        starts, checks, imports = [], [], []
        for _ in range(RUNS):
            _, out = timed(["--smoke", str(BUILD)], base)
            starts.append(float(out.strip().splitlines()[-1].split("=")[1]))
            checks.append(timed(["check", str(BUILD)], base)[0])
            copy = folder / "import-copy.sqlite"
            shutil.copy(catalog, copy)
            ms, out = timed(["catalog", "import-prices", str(csv)], {**base, "CONFIGURATOR_CATALOG": str(copy)})
            assert f"imported {N_PARTS} price rows" in out, out
            imports.append(ms)
        print(f"parts={N_PARTS} runs={RUNS} start_ms_all={starts} check_ms_all={[round(c) for c in checks]} "
              f"import_ms_all={[round(i) for i in imports]}")
        print(f"start_ms={statistics.median(starts):.0f} check_ms={statistics.median(checks):.0f} "
              f"import_ms={statistics.median(imports):.0f}")


if __name__ == "__main__":
    main()
