"""The wording of every figure a person reads: money, memory, speeds, times, shares, counts and the sentences
built from them (the memory fit, the ROI break-even, the findings count).

Qt-free and catalog-free, below the charts, the documents, the window and the command line: each of them
places the text it gets from here and formats nothing itself, so a figure reads the same on screen, on paper
and in a terminal (tests/unit/test_present.py checks that for one analysis).
"""

from configurator.present.numbers import (
    MEMORY_UNIT, amount, count, duration, memory, memory_value, money, money_code, percent, share, tokens, tokens_per_s,
    watts,
)
from configurator.present.sentences import (
    analysis_rows, break_even_label, capacity_label, compatibility_line, findings_summary, inference_rows,
    memory_fit, roi_break_even, roi_costs, roi_hours, roi_horizons, roi_rate, roi_summary, severity_counts,
    training_rows, users_fit_label, users_limit_label,
)

__all__ = [
    "MEMORY_UNIT", "amount", "count", "duration", "memory", "memory_value", "money", "money_code", "percent", "share", "tokens",
    "tokens_per_s", "watts", "analysis_rows", "break_even_label", "capacity_label", "compatibility_line",
    "findings_summary", "inference_rows", "memory_fit", "roi_break_even", "roi_costs", "roi_hours",
    "roi_horizons", "roi_rate", "roi_summary", "severity_counts", "training_rows", "users_fit_label",
    "users_limit_label",
]

from configurator.present.compare import (  # noqa: E402  (the comparison's rows and marks)
    BETTER_MARK, better_text, better_tip, compare_header, compare_rows, price_per, training_run_basis, users_served,
)

__all__ += ["BETTER_MARK", "better_text", "better_tip", "compare_header", "compare_rows", "price_per",
            "training_run_basis", "users_served"]
