"""Benchmark of the training layout search (run: .venv/bin/python tests/bench/training_layout.py).

layout_search_ms: median time of one evaluate_training with every degree, the ZeRO stage and the recompute policy
left to the search (Llama 3.1 405B pretraining on 128 x 8 H100: some 450 layouts evaluated in one numpy call).
training_sweep_ms (last line): median time of the GPU-count chart's sweep (1..64 GPUs and the build's count, each
with its own best layout) for Llama 3.1 70B full fine-tuning on 4 x 8 H100. Targets: under 10 ms and 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from configurator.core.sizing import DEFAULT_GPU_COUNTS, evaluate_training, training_sweep  # noqa: E402
from configurator.core.system import IB_NDR  # noqa: E402
from configurator.core.workload import TrainingWorkload  # noqa: E402
from tests.unit.test_sizing_common import model, system  # noqa: E402


def _median_ms(fn, repeat: int = 30) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> int:
    big = system("h100-sxm", 8, 128, inter_link=IB_NDR, nics_per_node=8)
    wl = TrainingWorkload(mode="pretrain", global_batch=512)
    search = _median_ms(lambda: evaluate_training(model("llama-3.1-405b"), big, wl))
    r = evaluate_training(model("llama-3.1-405b"), big, wl)
    cluster = system("h100-sxm", 8, 4, inter_link=IB_NDR, nics_per_node=8)
    counts = np.union1d(DEFAULT_GPU_COUNTS, [32.0])
    sweep = _median_ms(lambda: training_sweep(model("llama-3.1-70b"), cluster, TrainingWorkload(mode="full"), counts))
    print(f"layouts_considered={r.layouts_considered} chosen={r.layout.describe()!r}")
    print(f"layout_search_ms={search:.2f}")
    print(f"training_sweep_ms={sweep:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
