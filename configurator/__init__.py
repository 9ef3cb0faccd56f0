"""AI hardware configurator: GPU workstations, SXM servers and clusters, sized for LLM work."""

import time as _time

__version__ = "0.1.0"

# The start-up figure (``--smoke``) counts from process start. Where /proc is missing, the app falls back to
# this stamp: the package is imported first by every entry point, before any heavy import.
PROCESS_START = _time.perf_counter()
