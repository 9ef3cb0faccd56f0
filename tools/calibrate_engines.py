#!/usr/bin/env python3
"""Calibrate serving-engine efficiency factors on ../shared/data/measured_calibration.csv and write
db/engine_efficiency.csv (SIZING.md section 3).

Run from the repository root:  .venv/bin/python tools/calibrate_engines.py  [--check]  (--check: do not write)

What it does
------------
* Reads ONLY the measured rows of ``../shared/data/measured_calibration.csv``. GPU specs come from the catalog
  sources ``db/gpus.csv`` + ``db/gpus_reference.csv``, the model from ``db/models.csv``; the GPU names of the
  measurement file are mapped to catalog ids by ``GPU_IDS`` below.
* llama.cpp batch-1 decode (``batch1_decode`` rows, tg128, Llama 2 7B Q4_0): the sizing core's decode step at
  batch 1 is ``bytes / (BW x eff_mem) + L x t_layer``. Both factors are fitted per GPU class by least squares on
  log(tokens/s) over a grid. Hierarchy: a class with >= 3 GPUs fits both factors; with 1-2 GPUs it fits eff_mem
  with t_layer from its vendor (else from all GPUs); a class with no GPU uses its vendor, else all GPUs. The '*'
  row is the fit over all GPUs.
* llama.cpp prefill (``prefill`` rows, pp512): eff_prefill per class = geometric mean of each GPU's implied value
  (the core's prefill time at the fitted decode factors equals the measurement), same hierarchy.
* TensorRT-LLM prefill (``prefill`` rows, batch-1 TTFT for 2048-token prompts, TP1 and TP4): eff_prefill per class
  the same way, with TTFT = prefill + one decode step.
* ``batched_throughput`` rows are system totals at large batch: they are NEVER mixed with the batch-1 rows. They
  are only printed afterwards as a check of the batched decode formula with the written factors.
* Accuracy is reported with leave-one-GPU-out cross-validation: each GPU is predicted from factors fitted without
  any of its rows. Output: median and worst absolute % error of expected batch-1 decode (and of prefill).
* Engines and classes without measurements (vLLM, SGLang, TensorRT-LLM decode, AMD for TensorRT-LLM) get
  documented assumptions (``calibrated_on = assumption``).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from configurator.catalog.sources import read_rows  # noqa: E402
from configurator.core.parts import Engine, Gpu, ModelArch  # noqa: E402
from configurator.core.sizing import IDEAL, Efficiency, prepare_inference, standard_precision  # noqa: E402
from configurator.core.system import SystemSpec, default_intra_link  # noqa: E402

MEASURED = ROOT.parent / "shared" / "data" / "measured_calibration.csv"
OUT = ROOT / "db" / "engine_efficiency.csv"

# measurement-file GPU name -> catalog id (and why, where the file is ambiguous)
GPU_IDS = {
    "RTX PRO 6000 Blackwell (variant not stated)": "rtx-pro-6000-we",  # WE and Server: same 600 W figures
    "RTX PRO 6000 Blackwell Max-Q Workstation Edition": "rtx-pro-6000-maxq",
    "GeForce RTX 5090": "rtx-5090",
    "H100 80GB (SXM/PCIe not stated)": "h100-pcie",  # one transcription of the submission says 'H100 PCIe'
    "A100 80GB (SXM/PCIe not stated)": "a100-80gb-pcie",  # scoreboard submissions are mostly PCIe cards
    "GeForce RTX 4090": "rtx-4090",
    "RTX 6000 Ada Generation": "rtx-6000-ada",
    "L40": "l40",
    "GeForce RTX 3090": "rtx-3090",
    "RTX A6000": "rtx-a6000",
    "GeForce RTX 5080": "rtx-5080",
    "RTX PRO 4000 Blackwell": "rtx-pro-4000",
    "A40": "a40",
    "DGX Spark (GB10)": "dgx-spark-gb10",
    "Radeon PRO W7900 48GB": "radeon-pro-w7900",
    "Instinct MI210": "mi210",
    "Radeon RX 7900 XTX": "rx-7900-xtx",
    "H100 SXM 80GB": "h100-sxm",
    "L40S": "l40s",
    "A100 80GB": "a100-80gb-sxm",  # TensorRT-LLM performance tables: SXM4 systems
}
MODEL_IDS = {"Llama 2 7B": "llama-2-7b", "Llama 2 70B": "llama-2-70b"}
PRECISION_IDS = {"Q4_0": "q4_0", "FP8": "fp8", "FP16": "fp16"}
CLASSES = ("nvidia-hbm", "nvidia-gddr", "nvidia-lpddr", "amd-hbm", "amd-gddr")
MIN_TWO_PARAM = 3
EM_GRID = np.arange(0.30, 0.9501, 0.0025)  # achieved bandwidth stays under ~95% of peak
TL_GRID = np.arange(0.0, 200.01, 0.25) * 1e-6

# Assumed factors where no measurement exists: (eff_mem, eff_compute, eff_prefill, t_layer_us).
# Basis: vLLM/SGLang/TensorRT-LLM run CUDA graphs and fused kernels, so a small t_layer (4-6 us) and 80-85% of
# peak bandwidth on NVIDIA; ROCm builds of the same engines reach less; prefill at about half of the dense peak.
ASSUMED = {
    "vllm": {"nvidia-hbm": (0.80, 0.50, 0.55, 5.0), "nvidia-gddr": (0.80, 0.45, 0.50, 6.0),
             "nvidia-lpddr": (0.75, 0.40, 0.45, 8.0), "amd-hbm": (0.70, 0.35, 0.40, 8.0),
             "amd-gddr": (0.65, 0.30, 0.35, 10.0), "*": (0.75, 0.40, 0.45, 8.0)},
    "sglang": {"nvidia-hbm": (0.80, 0.50, 0.55, 4.0), "nvidia-gddr": (0.80, 0.45, 0.50, 5.0),
               "nvidia-lpddr": (0.75, 0.40, 0.45, 8.0), "amd-hbm": (0.70, 0.35, 0.40, 8.0),
               "amd-gddr": (0.65, 0.30, 0.35, 10.0), "*": (0.75, 0.40, 0.45, 8.0)},
    # TensorRT-LLM decode: assumption; its eff_prefill is replaced by the calibrated value below.
    "trtllm": {"nvidia-hbm": (0.85, 0.55, 0.50, 4.0), "nvidia-gddr": (0.85, 0.50, 0.50, 4.0),
               "nvidia-lpddr": (0.80, 0.45, 0.45, 6.0), "*": (0.85, 0.50, 0.50, 4.0)},
}
ENGINE_DEFAULTS = {
    "llama.cpp": Engine("llama.cpp", "llama.cpp", "layer", 1.0, True, "default"),
    "trtllm": Engine("trtllm", "TensorRT-LLM", "tp", 0.9, True, "default"),
}


def load_parts():
    gpus: dict[str, Gpu] = {}
    for name, sellable in (("gpus.csv", True), ("gpus_reference.csv", False)):
        for row in read_rows(ROOT / "db" / name, Gpu, {"sellable": sellable}):
            row.setdefault("notes", "")
            gpus[row["id"]] = Gpu(**row)
    models = {r["id"]: ModelArch(**r) for r in read_rows(ROOT / "db" / "models.csv", ModelArch)}
    engines = dict(ENGINE_DEFAULTS)
    if (ROOT / "db" / "engines.csv").exists():
        for r in read_rows(ROOT / "db" / "engines.csv", Engine):
            r.setdefault("notes", "")
            engines[r["id"]] = Engine(**r)
    return gpus, models, engines


class Point:
    """One measurement row made ready for the core."""

    def __init__(self, row: dict, gpus, models, engines):
        self.row = row
        self.id = row["id"]
        self.category = row["category"]
        self.gpu = gpus[GPU_IDS[row["gpu"]]]
        self.n = int(row["num_gpus"])
        self.model = models[MODEL_IDS[row["model"]]]
        self.prec = standard_precision(PRECISION_IDS[row["quantization"]])
        self.engine_id = "llama.cpp" if row["framework"].startswith("llama.cpp") else "trtllm"
        self.engine = engines[self.engine_id]
        self.measured = float(row["tokens_per_s"])
        self.batch = int(row["batch_or_concurrency"])
        self.prompt = int(row["prompt_tokens"])
        self.gen = int(row["gen_tokens"])
        intra = default_intra_link(self.gpu)
        self.system = SystemSpec(self.gpu, gpus_per_node=self.n, intra_link=intra)
        parallel = "tp" if row["parallelism"].upper().startswith("TP") else "layer"
        kv = standard_precision("fp16")
        self.setup = prepare_inference(self.model, self.system, self.prec, kv, None, self.engine, parallel)

    @property
    def cls(self) -> str:
        return self.gpu.gpu_class

    @property
    def vendor(self) -> str:
        return self.gpu.vendor.lower()

    def decode_context(self) -> float:
        return self.prompt + self.gen / 2.0  # mean context over the generated tokens

    def predict(self, eff: Efficiency) -> float:
        if self.category == "batch1_decode":
            step, _ = self.setup.decode(1, self.decode_context(), eff)
            return 1.0 / float(step)
        if self.category == "prefill":
            t = float(self.setup.prefill(self.prompt, eff))
            if self.engine_id == "trtllm":  # measured as prompt / TTFT: add the first decode step
                t += float(self.setup.decode(1, self.prompt, eff)[0])
            return self.prompt / t
        # batched_throughput: output tok/s per GPU at the batch, mean context prompt + gen/2
        step, _ = self.setup.decode(self.batch, self.decode_context(), eff)
        return self.batch / float(step) / self.n


def load_points():
    gpus, models, engines = load_parts()
    with MEASURED.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    points = []
    for r in rows:
        known = r["gpu"] in GPU_IDS and r["model"] in MODEL_IDS and r["quantization"] in PRECISION_IDS
        if known:
            points.append(Point(r, gpus, models, engines))
        elif r["category"] != "batched_throughput":
            # batch-1 and prefill rows are what the fit uses: an unmapped one is an error, not a skip
            raise SystemExit(f"calibrate_engines: row {r['id']} names a GPU, model or precision not mapped here")
        # batched rows the batch-1 fit cannot map are only printed as a check: leaving one out changes no factor
    return points


# ---- decode fit ------------------------------------------------------------------------------------------
def fit_decode(points, fixed_tl: float | None = None) -> tuple[float, float]:
    """Least squares on log tokens/s over (eff_mem, t_layer): step = ideal / eff_mem + L t_layer (batch 1)."""
    ideal = np.array([float(p.setup.decode(1, p.decode_context(), IDEAL)[0]) for p in points])
    layers = np.array([p.model.layers for p in points], dtype=float)
    meas = np.log(np.array([p.measured for p in points]))
    tls = np.array([fixed_tl]) if fixed_tl is not None else TL_GRID
    step = ideal[None, None, :] / EM_GRID[:, None, None] + layers[None, None, :] * tls[None, :, None]
    err = ((-np.log(step) - meas[None, None, :]) ** 2).sum(axis=2)
    i, j = np.unravel_index(np.argmin(err), err.shape)
    return float(EM_GRID[i]), float(tls[j])


def decode_factors(points, cls: str, vendor: str) -> tuple[float, float, str]:
    """(eff_mem, t_layer_s, basis) for a class from the given training points (hierarchy in the docstring)."""
    all_em, all_tl = fit_decode(points)
    vend = [p for p in points if p.vendor == vendor]
    if len(vend) >= MIN_TWO_PARAM:
        v_em, v_tl = fit_decode(vend)
    elif vend:
        v_em, v_tl = fit_decode(vend, all_tl)
    else:
        v_em, v_tl = all_em, all_tl
    mine = [p for p in points if p.cls == cls]
    if len(mine) >= MIN_TWO_PARAM:
        em, tl = fit_decode(mine)
        return em, tl, f"fit on {len(mine)} {cls} GPUs"
    if mine:
        em, tl = fit_decode(mine, v_tl)
        return em, tl, f"eff_mem fit on {len(mine)} {cls} GPU(s), t_layer from {vendor}"
    return v_em, v_tl, f"no {cls} GPU: {vendor if vend else 'all'} fit"


def prefill_factor(points, cls: str, vendor: str, decode_eff) -> float:
    """Geometric mean of each training GPU's implied eff_prefill (class, else vendor, else all)."""

    def implied(p) -> float:
        em, tl = decode_eff(p)
        lo, hi = 1e-3, 1.0
        for _ in range(50):
            mid = math.sqrt(lo * hi)
            if p.predict(Efficiency(em, mid, mid, tl, "fit")) < p.measured:
                lo = mid
            else:
                hi = mid
        return math.sqrt(lo * hi)

    for group in ([p for p in points if p.cls == cls], [p for p in points if p.vendor == vendor], list(points)):
        if group:
            return float(np.exp(np.mean([np.log(implied(p)) for p in group])))
    return 0.4


def llamacpp_table(decode_pts, prefill_pts):
    """Factors per class (and '*') for llama.cpp from the given training rows."""
    out = {}
    all_em, all_tl = fit_decode(decode_pts)
    for cls in CLASSES + ("*",):
        vendor = cls.split("-")[0] if cls != "*" else ""
        if cls == "*":
            em, tl, basis = all_em, all_tl, f"fit on all {len(decode_pts)} GPUs"
        else:
            em, tl, basis = decode_factors(decode_pts, cls, vendor)
        out[cls] = [em, None, None, tl, basis]

    def decode_eff(p):
        em, _, _, tl, _ = out.get(p.cls, out["*"])
        return em, tl

    for cls in CLASSES + ("*",):
        vendor = cls.split("-")[0] if cls != "*" else "-"
        ep = prefill_factor(prefill_pts, cls if cls != "*" else "-", vendor, decode_eff) if cls != "*" else \
            float(np.exp(np.mean([np.log(prefill_factor([p], p.cls, p.vendor, decode_eff)) for p in prefill_pts])))
        out[cls][1] = ep  # batched decode uses the same matmul kernels as prefill
        out[cls][2] = ep
    return out


def eff_for(table, p) -> Efficiency:
    em, ec, ep, tl, _ = table.get(p.cls, table["*"])
    return Efficiency(em, ec, ep, tl, "fit")


def trtllm_prefill_table(points):
    out = {}
    for cls in ("nvidia-hbm", "nvidia-gddr", "nvidia-lpddr", "*"):
        base = ASSUMED["trtllm"].get(cls, ASSUMED["trtllm"]["*"])

        def decode_eff(p, base=base):
            return base[0], base[3] * 1e-6

        vendor = "nvidia"
        out[cls] = prefill_factor(points, cls if cls != "*" else "-", vendor, decode_eff)
    return out


def pct(pred: float, meas: float) -> float:
    return abs(pred / meas - 1.0) * 100.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="print the fit and the cross-validation, write nothing")
    args = ap.parse_args(argv)
    points = load_points()
    dec = [p for p in points if p.category == "batch1_decode" and p.engine_id == "llama.cpp"]
    pre = [p for p in points if p.category == "prefill" and p.engine_id == "llama.cpp"]
    trt_pre = [p for p in points if p.category == "prefill" and p.engine_id == "trtllm"]
    batched = [p for p in points if p.category == "batched_throughput"]

    table = llamacpp_table(dec, pre)
    print("llama.cpp factors (all rows):")
    for cls, (em, ec, ep, tl, basis) in table.items():
        print(f"  {cls:13s} eff_mem={em:.3f} eff_prefill={ep:.3f} t_layer={tl * 1e6:.2f}us  ({basis})")

    # ---- leave-one-GPU-out cross-validation: batch-1 decode ----
    print("\nleave-one-GPU-out, llama.cpp batch-1 decode (rows " + ",".join(p.id for p in dec) + "):")
    errs = []
    for p in dec:
        train = [q for q in dec if q.gpu.id != p.gpu.id]
        train_pre = [q for q in pre if q.gpu.id != p.gpu.id]
        t = llamacpp_table(train, train_pre)
        pred = p.predict(eff_for(t, p))
        errs.append(pct(pred, p.measured))
        print(f"  row {p.id:>3} {p.gpu.id:18s} measured {p.measured:7.1f}  predicted {pred:7.1f}  err {errs[-1]:5.1f}%")
    in_sample = [pct(p.predict(eff_for(table, p)), p.measured) for p in dec]
    print(f"decode_cv_median_pct={np.median(errs):.1f} decode_cv_worst_pct={np.max(errs):.1f} "
          f"(in-sample median {np.median(in_sample):.1f}, worst {np.max(in_sample):.1f}; n={len(dec)})")

    print("\nleave-one-GPU-out, llama.cpp prefill pp512 (rows " + ",".join(p.id for p in pre) + "):")
    perr = []
    for p in pre:
        t = llamacpp_table([q for q in dec if q.gpu.id != p.gpu.id], [q for q in pre if q.gpu.id != p.gpu.id])
        pred = p.predict(eff_for(t, p))
        perr.append(pct(pred, p.measured))
        print(f"  row {p.id:>3} {p.gpu.id:18s} measured {p.measured:8.0f}  predicted {pred:8.0f}  err {perr[-1]:5.1f}%")
    print(f"prefill_cv_median_pct={np.median(perr):.1f} prefill_cv_worst_pct={np.max(perr):.1f} (n={len(pre)})")

    trt = trtllm_prefill_table(trt_pre)
    print("\nTensorRT-LLM eff_prefill: " + ", ".join(f"{k}={v:.3f}" for k, v in trt.items()))
    terr = []
    for p in trt_pre:
        others = [q for q in trt_pre if q.gpu.id != p.gpu.id]
        t = trtllm_prefill_table(others) if others else trt
        base = ASSUMED["trtllm"].get(p.cls, ASSUMED["trtllm"]["*"])
        pred = p.predict(Efficiency(base[0], base[1], t.get(p.cls, t["*"]), base[3] * 1e-6, "cv"))
        terr.append(pct(pred, p.measured))
        print(f"  row {p.id:>3} {p.gpu.id:16s} x{p.n} {p.model.id:12s} measured {p.measured:8.0f}  "
              f"predicted (leave GPU out) {pred:8.0f}  err {terr[-1]:5.1f}%")
    print(f"trtllm_prefill_cv_median_pct={np.median(terr):.1f} trtllm_prefill_cv_worst_pct={np.max(terr):.1f}")

    rows = []
    for cls, (em, ec, ep, tl, basis) in table.items():
        rows.append(["llama.cpp", cls, em, ec, ep, tl * 1e6,
                     f"batch1_decode rows ({basis}); prefill pp512 rows; eff_compute = eff_prefill",
                     "tools/calibrate_engines.py on shared/data/measured_calibration.csv [S1][S2]"])
    for eng in ("vllm", "sglang", "trtllm"):
        for cls, (em, ec, ep, tl) in ASSUMED[eng].items():
            basis = "assumption"
            src = "assumption: CUDA graphs + fused kernels (small t_layer); see tools/calibrate_engines.py ASSUMED"
            if eng == "trtllm":
                ep = trt.get(cls, trt["*"])
                basis = "assumption (decode); eff_prefill fit on TensorRT-LLM batch-1 TTFT prefill rows 86-90"
                src = "tools/calibrate_engines.py on shared/data/measured_calibration.csv [S10] + assumption"
            rows.append([eng, cls, em, ec, ep, tl, basis, src])

    print("\nbatched_throughput rows (check only, never fitted; fp16 KV assumed):")
    written = {(r[0], r[1]): r for r in rows}
    for p in batched:
        r = written.get((p.engine_id, p.cls)) or written[(p.engine_id, "*")]
        pred = p.predict(Efficiency(r[2], r[3], r[4], r[5] * 1e-6, "written"))
        print(f"  row {p.id:>3} {p.gpu.id:16s} x{p.n} batch {p.batch:>3} measured {p.measured:7.0f}/GPU  "
              f"predicted {pred:7.0f}/GPU  ({pred / p.measured - 1:+.0%})")

    if args.check:
        return 0
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["engine_id", "gpu_class", "eff_mem", "eff_compute", "eff_prefill", "t_layer_us",
                    "calibrated_on", "source"])
        for r in rows:
            w.writerow([r[0], r[1], f"{r[2]:.4f}", f"{r[3]:.4f}", f"{r[4]:.4f}", f"{r[5]:.2f}", r[6], r[7]])
    print(f"\nwrote {OUT.relative_to(ROOT)} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
