"""Benchmark: median time for one filter keystroke in the catalog Qt model over 5,000 parts.

Types queries character by character (and deletes them again), as a user does, through the
same proxy the catalog browser uses, with a QTableView attached so the view's work counts.
Last line: filter_ms=<median>. Target: under 10 ms.
Run: QT_QPA_PLATFORM=offscreen python tests/bench/catalog_filter.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from configurator.core.parts import Gpu  # noqa: E402
from configurator.ui.models.catalog_filter_model import CatalogFilterModel  # noqa: E402
from configurator.ui.models.catalog_table_model import CatalogTableModel  # noqa: E402

N_PARTS = 5000
QUERIES = ["rtx pro 6000", "h200", "blackwell 96", "amd mi3", "xyz"]


def synthetic_gpus(n: int) -> list[Gpu]:
    rng = random.Random(42)
    families = ["RTX PRO 6000", "H200", "H100", "B200", "L40S", "MI300X", "RTX 5090", "A100", "RTX 6000 Ada"]
    vendors = ["NVIDIA", "AMD"]
    out = []
    for i in range(n):
        fam = rng.choice(families)
        mem = rng.choice([24, 32, 48, 80, 96, 141, 192])
        out.append(Gpu(
            id=f"gpu-{i:05d}-{fam.lower().replace(' ', '-')}", name=f"{fam} {mem}GB variant {i}",
            vendor=rng.choice(vendors), form_factor=rng.choice(["PCIe", "SXM"]), memory_gb=mem,
            memory_type="HBM3", bandwidth_tb_s=rng.uniform(0.5, 8), fp16_bf16_dense_tflops=rng.uniform(100, 2000),
            fp8_dense_tflops=None, fp4_dense_tflops=None, int8_dense_tops=None, tdp_w=rng.uniform(200, 1000),
            slot_width=2, cooling="blower", nvlink="none", ecc=True, pcie_gen=5, launch_year=2024,
            approx_price_usd=None, source="synthetic benchmark part",
        ))
    return out


def main() -> None:
    app = QApplication.instance() or QApplication([])
    model = CatalogTableModel("gpus", synthetic_gpus(N_PARTS), {})
    proxy = CatalogFilterModel()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.verticalHeader().setVisible(False)  # as in the catalog browser
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    times_ms = []
    for _ in range(3):
        for query in QUERIES:
            steps = [query[:k] for k in range(1, len(query) + 1)] + [query[:k] for k in range(len(query) - 1, -1, -1)]
            for text in steps:
                t0 = time.perf_counter()
                proxy.set_filter_text(text)
                app.processEvents()  # let the view react, as it does between keystrokes
                times_ms.append((time.perf_counter() - t0) * 1000)
    view.close()
    print(f"keystrokes={len(times_ms)} p95_ms={statistics.quantiles(times_ms, n=20)[-1]:.2f}")
    print(f"filter_ms={statistics.median(times_ms):.2f}")


if __name__ == "__main__":
    main()
