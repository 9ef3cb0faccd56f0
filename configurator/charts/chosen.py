"""The build's own operating point (chosen users, context, prompt, GPU count) as the analysis carries it,
so a chart needs nothing but the analysis (the quote renders charts from an analysis alone)."""

from __future__ import annotations


def chosen_users(analysis) -> int:
    return analysis.inference.users


def chosen_context(analysis) -> float:
    return float(analysis.inference.context_tokens)


def chosen_prompt(analysis) -> float:
    return float(analysis.inference.prompt_tokens)


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
