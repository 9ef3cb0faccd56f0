"""Unit constants. Everything in the core is computed in bytes, FLOP and seconds.

Names carry their unit (``memory_gb``, ``bandwidth_tb_s``); these factors convert them.
"""

GB = 1e9  # decimal gigabyte, as on datasheets and in `configurator size --json`
GIB = 2.0**30  # binary gibibyte, what the driver reports
TB = 1e12
TFLOPS = 1e12
GBIT = 1e9 / 8  # bytes per second in one Gb/s
MS = 1e-3
US = 1e-6
