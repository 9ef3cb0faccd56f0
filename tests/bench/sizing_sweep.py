"""Benchmark of the sizing sweeps (run: .venv/bin/python tests/bench/sizing_sweep.py).

points_per_s: the full inference grid, every model x build (every sellable GPU x 1/2/4/8 GPUs) x 512 users x 16
contexts, decode speed + memory fit per point (one numpy call per model x build).
chart_grid_ms: median time to recompute everything the live charts show after one change (prepare the build,
decode grid 512 users x 16 contexts, users-that-fit vs context, TTFT vs prompt, memory breakdown, and the
training time / all-reduce share sweep over 1..64 GPUs). Targets: >= 1,000,000 points/s, < 2 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from configurator.core.parts import Engine, EngineEfficiency  # noqa: E402
from configurator.core.sizing import (  # noqa: E402
    DEFAULT_CONTEXTS, DEFAULT_GPU_COUNTS, DEFAULT_USERS, chart_grid, decode_sweep, prepare_inference,
    standard_precision, training_sweep,
)
from configurator.core.workload import TrainingWorkload  # noqa: E402
from tests.unit.test_sizing_common import all_gpus, all_models, system  # noqa: E402

ENGINE = Engine("vllm", "vLLM", "tp", 0.9, True, "bench")
EFF = EngineEfficiency("vllm", "*", 0.8, 0.5, 0.5, 5.0, "bench", "bench")


def full_grid() -> tuple[int, float]:
    models = all_models()
    builds = [system(g.id, n) for g in all_gpus() if g.sellable for n in (1, 2, 4, 8)]
    w, kv = standard_precision("fp8"), standard_precision("fp16")
    points = 0
    t0 = time.perf_counter()
    for m in models:
        for b in builds:
            sw = decode_sweep(prepare_inference(m, b, w, kv, EFF, ENGINE), DEFAULT_USERS, DEFAULT_CONTEXTS)
            points += sw.step_s.size
    return points, time.perf_counter() - t0


def chart_once(m, b, wl) -> None:
    s = prepare_inference(m, b, standard_precision("q4_k_m"), standard_precision("fp16"), EFF, ENGINE)
    chart_grid(s, users=8, context=8192, prompt=1024)
    training_sweep(m, b, wl, DEFAULT_GPU_COUNTS)


def main() -> int:
    full_grid()  # warm caches
    points, dt = min((full_grid() for _ in range(3)), key=lambda r: r[1])
    m = next(x for x in all_models() if x.id == "llama-3.1-70b")
    b = system("h200-sxm", 8)
    wl = TrainingWorkload(mode="full", zero_stage=3)
    for _ in range(50):
        chart_once(m, b, wl)
    times = []
    for _ in range(300):
        t0 = time.perf_counter()
        chart_once(m, b, wl)
        times.append(time.perf_counter() - t0)
    print(f"grid_points={points} grid_s={dt:.3f} numpy={np.__version__}")
    print(f"points_per_s={points / dt:.0f}")
    print(f"chart_grid_ms={statistics.median(times) * 1e3:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
