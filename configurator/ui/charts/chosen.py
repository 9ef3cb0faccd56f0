"""The build's own operating point (chosen users, context, prompt, GPU count) as the analysis carries it.

``Analysis`` holds the figures at the chosen point but not the workload itself; these read the point back
from those figures exactly (aggregate = users / step and per-user = 1 / step, so their ratio is the user
count; prefill tokens/s x prefill seconds is the prompt length), so a chart needs nothing but the analysis
(the quote renders charts from an analysis alone).
"""

from __future__ import annotations


def chosen_users(analysis) -> int:
    r = analysis.inference.result
    return max(1, round(r.aggregate_tokens_per_s / r.per_user_tokens_per_s))


def chosen_context(analysis) -> float:
    return float(analysis.inference.decode.contexts[0])  # the decode sweep runs at the chosen context only


def chosen_prompt(analysis) -> float:
    r = analysis.inference.result
    return float(max(1, round(r.prefill_tokens_per_s * r.prefill_s)))


def chosen_gpus(analysis) -> int:
    return int(analysis.system.total_gpus)


def inference_problem(analysis) -> str | None:
    """Why an inference chart has nothing to show, or None."""
    if analysis.inference is not None:
        return None
    if analysis.sizing_problem:
        return analysis.sizing_problem
    if analysis.training is not None:
        return "This chart is for inference workloads; the build's workload is training."
    return "Nothing to chart yet."


def training_problem(analysis) -> str | None:
    if analysis.training is not None:
        return None
    if analysis.sizing_problem:
        return analysis.sizing_problem
    if analysis.inference is not None:
        return "This chart is for training workloads; the build's workload is inference."
    return "Nothing to chart yet."
