#!/usr/bin/env python3
"""Calibrate the default training kernel efficiency on ../shared/data/measured_training.csv ONLY and write
db/training_efficiency.csv and the core's built-in copy (configurator/core/sizing/training_efficiency.py).

Run from the repository root:  .venv/bin/python tools/calibrate_training.py  [--check]  (--check: write nothing)

What it does
------------
* Each measured row is sized with the training core (core/sizing/training.py) as the source ran it: the GPU,
  GPU count, sequence length, global batch and, where published, the TP x CP x PP x DP layout; the ZeRO stage
  and the recompute policy (never published) are left to the layout search.
* Llama 2 rows (T1-T3) publish GPU-hours but no cluster: ASSUMED_CLUSTER below (2048 A100-80GB SXM, 8 per node
  on NVLink3, one 200 Gb/s InfiniBand HDR NIC per GPU: Meta's RSC; 2048 GPUs is the size Meta gave for LLaMA-1
  65B) with the layout searched. Predicted GPU-hours = tokens x GPUs / (tokens/s) / 3600.
* Llama 3 405B rows (T4-T6) publish model TFLOP/s per GPU under a given layout (RoCE 400 Gb/s between nodes,
  NVLink inside): predicted = model FLOPs (6 N + attention, PaLM convention) per step / step time / GPUs.
* One parameter, the BF16 kernel efficiency (share of the dense BF16 peak while computing), minimises the sum
  of squared log errors over the rows (grid, then refinement). Accuracy: leave-one-out (each row predicted from
  the efficiency fitted on the other five), median and worst absolute error.
* FP8 and TF32 have no measured row: their efficiency is an assumption equal to the BF16 fit (the FP8 GEMMs run
  at the FP8 rate at the same share of peak; attention and the rest stay 16-bit), marked "assumption".
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from configurator.catalog.sources import read_rows  # noqa: E402
from configurator.core.parts import Gpu, ModelArch  # noqa: E402
from configurator.core.sizing.training import evaluate_training  # noqa: E402
from configurator.core.system import ETH_400G, IB_HDR, SystemSpec, node_system  # noqa: E402
from configurator.core.workload import TrainingWorkload  # noqa: E402

MEASURED = ROOT.parent / "shared" / "data" / "measured_training.csv"
OUT = ROOT / "db" / "training_efficiency.csv"
BUILTIN = ROOT / "configurator" / "core" / "sizing" / "training_efficiency.py"
ASSUMED_CLUSTER = {"gpus": 2048, "gpus_per_node": 8, "network": IB_HDR}  # Llama 2 rows: not published
MEASURED_NETWORK = {"llama-3.1-405b": ETH_400G}  # "RoCE 400 Gbps between nodes"
GRID = np.arange(0.20, 0.951, 0.01)


@dataclass(frozen=True)
class Row:
    id: str
    arch: ModelArch
    system: SystemSpec
    workload: TrainingWorkload
    metric: str
    value: float
    n: int


def _catalog():
    gpus = {}
    for name, sellable in (("gpus.csv", True), ("gpus_reference.csv", False)):
        path = ROOT / "db" / name
        if path.exists():
            for r in read_rows(path, Gpu, {"sellable": sellable}):
                r.setdefault("notes", "")
                gpus[r["id"]] = Gpu(**r)
    models = {r["id"]: ModelArch(**r) for r in read_rows(ROOT / "db" / "models.csv", ModelArch)}
    return gpus, models


def rows() -> list[Row]:
    gpus, models = _catalog()
    out = []
    with MEASURED.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            arch, gpu = models[r["model"]], gpus[r["gpu"]]
            seq = int(r["seq_len"])
            if r["num_gpus"]:
                n = int(r["num_gpus"])
                net = MEASURED_NETWORK.get(r["model"], ETH_400G)
            else:
                n, net = ASSUMED_CLUSTER["gpus"], ASSUMED_CLUSTER["network"]
            per_node = ASSUMED_CLUSTER["gpus_per_node"]
            system = node_system(gpu, per_node, n // per_node, inter_link=net, nics_per_node=per_node)
            layout = {k: int(r[k]) for k in ("tp", "cp", "pp") if r[k]}
            if r["dp"] and layout and int(r["dp"]) * math.prod(layout.values()) != n:
                raise SystemExit(f"row {r['id']}: TP x CP x PP x DP is not the GPU count")
            wl = TrainingWorkload(mode="pretrain", model_id=arch.id, precision=r["precision"],
                                  tokens=float(r["tokens_trained"] or 0.0), seq_len=seq, micro_batch=1,
                                  global_batch=max(1, round(float(r["global_batch_tokens"]) / seq)), **layout)
            out.append(Row(r["id"], arch, system, wl, r["metric"], float(r["value"]), n))
    return out


def predict(row: Row, efficiency: float) -> tuple[float, object]:
    from dataclasses import replace

    res = evaluate_training(row.arch, row.system, replace(row.workload, mfu=efficiency))
    if row.metric == "gpu_hours":
        return row.workload.tokens / res.tokens_per_s * row.n / 3600.0, res
    if row.metric == "model_tflops_per_gpu":
        return res.model_tflops_per_gpu, res
    raise SystemExit(f"row {row.id}: unknown metric {row.metric}")


def _log_error(row: Row, efficiency: float) -> float:
    pred, _ = predict(row, efficiency)
    return math.log(pred / row.value)


def fit(rs: list[Row]) -> float:
    def loss(e):
        return sum(_log_error(r, e) ** 2 for r in rs)

    coarse = min(GRID, key=loss)
    fine = np.arange(max(coarse - 0.01, 0.05), min(coarse + 0.01, 1.0) + 1e-9, 0.0005)
    return float(min(fine, key=loss))


def error(pred: float, row: Row) -> float:
    """Signed error as the source states the figure (GPU-hours: + = slower than measured)."""
    return pred / row.value - 1.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="print the fit, write nothing")
    args = ap.parse_args(argv)
    rs = rows()
    e = fit(rs)
    print(f"BF16 kernel efficiency fitted on rows {', '.join(r.id for r in rs)}: {e:.4f}")
    loo = []
    for i, r in enumerate(rs):
        e_i = fit(rs[:i] + rs[i + 1:])
        pred, res = predict(r, e_i)
        all_pred, res_all = predict(r, e)
        loo.append(error(pred, r))
        print(f"  {r.id} {r.arch.id:15} {r.n:6d} GPUs  measured {r.metric} {r.value:g}  fit-all {all_pred:.4g} "
              f"({error(all_pred, r):+.1%})  leave-one-out e={e_i:.4f} -> {pred:.4g} ({loo[-1]:+.1%})  "
              f"[{res_all.layout.describe()}; MFU {res_all.mfu:.1%}]")
    abs_loo = sorted(abs(x) for x in loo)
    median, worst = float(np.median(abs_loo)), abs_loo[-1]
    print(f"leave-one-out absolute error: median {median:.1%}, worst {worst:.1%}")
    if args.check:
        return 0
    summary = f"measured_training.csv T1-T6 (leave-one-out median {median:.1%}, worst {worst:.1%})"
    src = ("tools/calibrate_training.py: one efficiency for BF16 fitted on Llama 2 GPU-hours (A100, assumed 2048-GPU "
           "RSC cluster) and Llama 3 405B TFLOP/s per GPU (H100, published layouts)")
    assumed = "no FP8 row in measured_training.csv: the GEMMs at the FP8 rate at the BF16-fitted share of peak"
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["compute", "gpu_class", "efficiency", "calibrated_on", "source"])
        w.writerow(["fp16", "*", f"{e:.4f}", summary, src])
        w.writerow(["fp8", "*", f"{e:.4f}", "assumption", assumed])
        w.writerow(["fp32", "*", f"{e:.4f}", "assumption", "no TF32 row: TF32 rate at the BF16-fitted share of peak"])
    text = BUILTIN.read_text()
    new = re.sub(r"DEFAULT_EFFICIENCY: dict\[str, float\] = \{[^}]*\}",
                 f'DEFAULT_EFFICIENCY: dict[str, float] = {{"fp16": {e:.4f}, "fp8": {e:.4f}, "fp32": {e:.4f}}}', text)
    BUILTIN.write_text(new)
    print(f"wrote {OUT.relative_to(ROOT)} and {BUILTIN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
