"""Benchmark of the serving simulation (run: .venv/bin/python tests/bench/serve_sim.py).

serve_sim_ms: one simulation of 2,000 requests of 1,024 prompt / 256 output tokens on an 8-GPU build
(Llama 3.1 70B FP8 on 8 x H200, vLLM factors from db/engine_efficiency.csv, TP2 x 4 replicas), the median
of 7 runs, for the three arrival modes (closed loop at 256 users, open loop Poisson at 80% of the offline
maximum, offline maximum); the last line is the slowest mode. Target: <= 50 ms. estimate_us: the closed-form
estimate the window uses while a slider is dragged.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from configurator.catalog.sources import read_rows  # noqa: E402
from configurator.core.parts import Engine, EngineEfficiency  # noqa: E402
from configurator.core.sizing import standard_precision  # noqa: E402
from configurator.core.sizing.serving import Lengths, ServingBuild, ServingWorkload, estimate, serve  # noqa: E402
from tests.unit.test_sizing_common import model, system  # noqa: E402

ENGINE = Engine("vllm", "vLLM", "tp", 0.9, True, "bench")


def efficiency(gpu_class: str) -> EngineEfficiency:
    rows = {(r["engine_id"], r["gpu_class"]): EngineEfficiency(**r)
            for r in read_rows(ROOT / "db" / "engine_efficiency.csv", EngineEfficiency)}
    return rows.get(("vllm", gpu_class)) or rows[("vllm", "*")]


def timed(build, work, runs: int = 7) -> tuple[float, object]:
    serve(build, work)  # warm caches
    times, r = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        r = serve(build, work)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), r


def main() -> int:
    sysm = system("h200-sxm", 8)
    fp8 = standard_precision("fp8")
    build = ServingBuild(model("llama-3.1-70b"), sysm, fp8, fp8, ENGINE, efficiency(sysm.gpu.gpu_class), tp=2)
    base = dict(input_tokens=Lengths(1024), output_tokens=Lengths(256), requests=2000, seed=1)
    offline = ServingWorkload(arrival="max", **base)
    ms_max, r_max = timed(build, offline)
    rate = 0.8 * r_max.requests_per_s
    ms_closed, r_closed = timed(build, ServingWorkload(arrival="closed", concurrency=256, **base))
    ms_open, r_open = timed(build, ServingWorkload(arrival="open", rate_per_s=rate, **base))
    for name, ms, r in (("max", ms_max, r_max), ("closed_256", ms_closed, r_closed), ("open", ms_open, r_open)):
        print(f"serve_sim_{name}_ms={ms:.1f}  ({r.layout}, {r.system_output_tokens_per_s:,.0f} tok/s, "
              f"TTFT p95 {r.ttft_s_p95:.2f} s, TPOT p95 {r.tpot_s_p95 * 1e3:.1f} ms)")
    work = ServingWorkload(arrival="closed", concurrency=256, **base)
    estimate(build, work)
    t0 = time.perf_counter()
    for _ in range(200):
        estimate(build, work)
    print(f"estimate_us={(time.perf_counter() - t0) / 200 * 1e6:.0f}")
    print(f"serve_sim_ms={max(ms_max, ms_closed, ms_open):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
