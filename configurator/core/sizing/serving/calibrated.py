"""Written by tools/calibrate_engines.py: which measurements the factors were fitted on, and their
leave-one-source-out accuracy. Do not edit by hand; rerun the tool."""

# (engine, GPU id, compute rate) of the batched serving rows of shared/data/measured_calibration.csv
BATCHED_COVERAGE: tuple[tuple[str, str, str], ...] = (('trtllm', 'a100-80gb-sxm', 'fp16'),
 ('trtllm', 'h100-sxm', 'fp8'),
 ('trtllm', 'h200-sxm', 'fp8'),
 ('trtllm', 'l40s', 'fp8'))
# (engine, GPU id, compute rate) of the batch-1 decode and prefill rows
BATCH1_COVERAGE: tuple[tuple[str, str, str], ...] = (('llama.cpp', 'a100-80gb-pcie', 'int8'),
 ('llama.cpp', 'a40', 'int8'),
 ('llama.cpp', 'dgx-spark-gb10', 'int8'),
 ('llama.cpp', 'h100-pcie', 'int8'),
 ('llama.cpp', 'l40', 'int8'),
 ('llama.cpp', 'mi210', 'int8'),
 ('llama.cpp', 'radeon-pro-w7900', 'int8'),
 ('llama.cpp', 'rtx-3090', 'int8'),
 ('llama.cpp', 'rtx-4090', 'int8'),
 ('llama.cpp', 'rtx-5080', 'int8'),
 ('llama.cpp', 'rtx-5090', 'int8'),
 ('llama.cpp', 'rtx-6000-ada', 'int8'),
 ('llama.cpp', 'rtx-a6000', 'int8'),
 ('llama.cpp', 'rtx-pro-4000', 'int8'),
 ('llama.cpp', 'rtx-pro-6000-maxq', 'int8'),
 ('llama.cpp', 'rtx-pro-6000-we', 'int8'),
 ('llama.cpp', 'rx-7900-xtx', 'fp16'),
 ('trtllm', 'a100-80gb-sxm', 'fp16'),
 ('trtllm', 'h100-sxm', 'fp8'),
 ('trtllm', 'l40s', 'fp8'))
# category -> median / worst absolute % error, rows, sources; leave-one-source-out
ACCURACY: dict[str, dict] = {'batched': {'median_pct': 10.4, 'worst_pct': 333.4, 'rows': 13, 'sources': ['S10', 'S11', 'S12', 'S13']},
 'prefill': {'median_pct': 40.7, 'worst_pct': 212.7, 'rows': 14, 'sources': ['S1', 'S10', 'S2']},
 'batch1_decode': {'median_pct': 28.1, 'worst_pct': 91.2, 'rows': 17, 'sources': ['S1', 'S2']},
 'batched_fitted_engines': {'median_pct': 7.1,
                            'worst_pct': 93.8,
                            'rows': 12,
                            'sources': ['S10', 'S11', 'S12'],
                            'engines': ['trtllm']}}
# batch-1 decode, leave-one-GPU-out
ACCURACY_DECODE_LOGO: dict[str, float] = {'median_pct': 6.6, 'worst_pct': 73.2, 'rows': 17}
ACCURACY_TEXT = (
    "Calibration accuracy, leave-one-source-out on shared/data/measured_calibration.csv (each source's "
    'rows predicted from factors fitted without them): batched serving throughput median 10.4% / worst '
    '333.4% (13 rows), of which the TensorRT-LLM rows median 7.1% / worst 93.8% (the vLLM 0.5.4 row is a '
    'check its factors do not fit); prefill / time to first token median 40.7% / worst 212.7% (14 rows); '
    'batch-1 decode median 28.1% / worst 91.2% (17 rows). Batch-1 decode leave-one-GPU-out: median 6.6%, '
    'worst 73.2%. Read every speed as a range; engine versions alone differ up to 2x.'
)
