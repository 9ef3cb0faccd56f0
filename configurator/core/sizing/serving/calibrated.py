"""Written by tools/calibrate_engines.py: which measurements the factors were fitted on, and their
leave-one-source-out accuracy. Do not edit by hand; rerun the tool."""

# (engine, GPU id, compute rate) of the batched serving rows of shared/data/measured_calibration.csv
BATCHED_COVERAGE: tuple[tuple[str, str, str], ...] = ()
# (engine, GPU id, compute rate) of the batch-1 decode and prefill rows
BATCH1_COVERAGE: tuple[tuple[str, str, str], ...] = ()
# category -> {"median_pct", "worst_pct", "rows", "sources"}; leave-one-source-out
ACCURACY: dict[str, dict] = {}
ACCURACY_TEXT = "Calibration accuracy not computed yet: run tools/calibrate_engines.py."
