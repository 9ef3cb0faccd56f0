"""Default training kernel efficiency per tensor rate: the values tools/calibrate_training.py fitted and wrote
to db/training_efficiency.csv, repeated here so the core works without a built catalog (a test keeps the two
equal). The catalog's rows, when given, take precedence.
"""

from __future__ import annotations

from configurator.core.parts import TrainingEfficiency

# Share of the dense peak of the rate the kernels reach while computing (hardware FLOPs, before pipeline bubbles
# and exposed communication). fp16 = BF16/FP16, fitted on shared/data/measured_training.csv (all six rows);
# fp8 and fp32 are assumptions: no measured row exists (see db/training_efficiency.csv).
DEFAULT_EFFICIENCY: dict[str, float] = {"fp16": 0.4480, "fp8": 0.4480, "fp32": 0.4480}


def efficiencies(rows=None) -> dict[str, float]:
    """Rate -> efficiency from catalog rows (TrainingEfficiency, any order), over the built-in defaults."""
    out = dict(DEFAULT_EFFICIENCY)
    for row in rows or ():
        if isinstance(row, TrainingEfficiency) and row.efficiency > 0:
            out[row.compute] = float(min(row.efficiency, 1.0))
    return out
