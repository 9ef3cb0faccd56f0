"""Sentences and labelled rows built from the figures in numbers.py: the memory fit, the findings count, the
figures of an inference or training analysis, and the ROI break-even.

Every function takes core objects (MemoryBreakdown, Finding, Analysis, RoiResult) by duck typing and imports
nothing above the core, so the window, the PDF, the command line and the tooltips all call the same code.
"""

from __future__ import annotations

from collections.abc import Iterable

from configurator.present.numbers import count, duration, memory, money, share, tokens_per_s, watts

# -- memory -----------------------------------------------------------------------------------------------


def memory_fit(mem) -> str:
    """'61.2 GB of 85.9 GB per GPU: fits, 24.7 GB free' or '... per GPU: over by 12.0 GB'."""
    head = f"{memory(mem.total_bytes)} of {memory(mem.capacity_bytes)} per GPU"
    if mem.fits:
        return f"{head}: fits, {memory(mem.headroom_bytes)} free"
    return f"{head}: over by {memory(-mem.headroom_bytes)}"


def capacity_label(mem) -> str:
    """The capacity line's label on the memory chart."""
    return f"capacity {memory(mem.capacity_bytes)}"


# -- findings ---------------------------------------------------------------------------------------------


def severity_counts(findings: Iterable) -> dict[str, int]:
    found = list(findings)
    return {s: sum(1 for f in found if f.severity == s) for s in ("error", "warning", "info")}


def findings_summary(findings: Iterable) -> str:
    """'0 errors, 1 warning, 3 notes'."""
    c = severity_counts(findings)
    return f"{count(c['error'], 'error')}, {count(c['warning'], 'warning')}, {count(c['info'], 'note')}"


def compatibility_line(findings: Iterable) -> str:
    """The quote's compatibility verdict (a quote is only issued without errors)."""
    c = severity_counts(findings)
    if c["error"]:
        return f"Compatibility check failed: {count(c['error'], 'error')}."
    warnings = f"{count(c['warning'], 'warning')}." if c["warning"] else "no warnings."
    return f"Compatibility check passed: no errors, {warnings}"


# -- the figures of an analysis ---------------------------------------------------------------------------


def inference_rows(analysis) -> list[tuple[str, str]]:
    """(label, text) of the inference figures at the build's operating point."""
    inf = analysis.inference
    r = inf.result
    if r.max_users_at_context < 1:  # nothing can run: no speed is shown for it (WORKLOAD_DOES_NOT_FIT)
        return [("Memory", memory_fit(r.memory)), ("Users that fit at this context", "none: the workload does not fit")]
    return [
        ("Memory", memory_fit(r.memory)),
        ("Users that fit at this context", f"{r.max_users_at_context:,}"),
        ("Expected speed per user", tokens_per_s(r.per_user_tokens_per_s)),
        ("Expected speed, all users", tokens_per_s(r.aggregate_tokens_per_s)),
        ("Time to first token", duration(r.ttft_s)),
        ("Parallelism", f"tensor {r.tp} x pipeline {r.pp}"),
        *serving_rows(getattr(inf, "serving", None)),
    ]


def serving_rows(s) -> list[tuple[str, str]]:
    """The users under load (continuous batching, prompts and answers of the workload's lengths): what they
    feel, from the serving estimate. Empty when there is no estimate or nothing fits."""
    if s is None or not s.fits:
        return []
    basis = " (estimate, extrapolated)" if s.extrapolated else " (estimate)"
    return [
        ("Speed per user under load", f"{tokens_per_s(s.per_user_tokens_per_s_p50)} median, "
                                      f"{tokens_per_s(s.per_user_tokens_per_s_p5)} for the slowest 5%{basis}"),
        ("First token under load", f"{duration(s.ttft_s_p50)} median, {duration(s.ttft_s_p95)} p95 with queueing"
                                   f"{basis}"),
        ("Serving layout", f"{s.layout.replicas} x tensor {s.layout.tp}"
                           + (f" x pipeline {s.layout.pp}" if s.layout.pp > 1 else "")
                           + f", {tokens_per_s(s.system_output_tokens_per_s)} in all"),
    ]


def training_rows(analysis) -> list[tuple[str, str]]:
    r = analysis.training.result
    if not r.fits:
        return [("Memory", memory_fit(r.memory)), ("Expected time to train", "none: the training does not fit")]
    return [
        ("Memory", memory_fit(r.memory)),
        ("Expected time to train", duration(r.train_time_s)),
        ("Training throughput", tokens_per_s(r.tokens_per_s)),
        ("Communication share", f"{share(r.exposed_share)} of each step"),
    ]


def analysis_rows(analysis) -> list[tuple[str, str]]:
    """The figures of whichever workload the analysis sized; empty when it sized none."""
    if analysis.inference is not None:
        return inference_rows(analysis)
    if analysis.training is not None:
        return training_rows(analysis)
    return []


# -- ROI ----------------------------------------------------------------------------------------------------


def roi_break_even(result) -> str:
    if result.break_even_month:
        return f"Break-even in month {result.break_even_month}."
    return f"No break-even within {count(result.months, 'month')}."


def break_even_label(month: int) -> str:
    """The break-even marker's label on the ROI chart."""
    return f"break-even: month {month}"


def roi_hours(result) -> str:
    if result.break_even_hours_per_day is not None:
        return (f"On-premises wins over {count(result.months, 'month')} above "
                f"{result.break_even_hours_per_day} hours a day.")
    return f"On-premises does not win within {count(result.months, 'month')} at any hours per day."


def roi_rate(result) -> str:
    """'Cloud: 8 x H200 SXM at $3.79 per GPU-hour.' (the GPU's name, never its catalog id)."""
    name = getattr(result, "cloud_gpu_name", "") or result.cloud_gpu_id
    return f"Cloud: {result.gpus} x {name} at {money(result.cloud_rate, 'USD')} per GPU-hour."


def roi_horizons(result, horizons: Iterable[int]) -> list[str]:
    """'12 months: on-premises USD 1.00, cloud USD 2.00' for each horizon (and the chart's own)."""
    cur = result.currency
    out = []
    for h in sorted({*horizons, result.months}):
        on_prem, cloud = result.totals(h)
        out.append(f"{count(h, 'month')}: on-premises {money(on_prem, cur)}, cloud {money(cloud, cur)}")
    return out


def roi_costs(result) -> str:
    """The monthly figures behind the curves (the command line's first line)."""
    cur = result.currency
    return (f"Hardware {money(result.hardware, cur)}; power {money(result.power_per_month, cur)} a month "
            f"({watts(float(result.wall_watts))} at the wall); cloud {money(result.cloud_per_month, cur)} a month.")


def roi_summary(result, horizons: Iterable[int]) -> str:
    """Everything the ROI panel says under its chart: break-even, the hours threshold, the rate, the totals."""
    return " ".join([roi_break_even(result), roi_hours(result), roi_rate(result)]) + "\n" + "; ".join(
        roi_horizons(result, horizons))


# -- labels placed on charts --------------------------------------------------------------------------------


def users_limit_label(max_fit: int) -> str:
    """The throughput chart's memory-limit marker."""
    return f"memory limit: {count(max_fit, 'user')}" if max_fit else "weights do not fit"


def users_fit_label(context_tokens: float, fit: int, users: int) -> str:
    """The users-fit chart's label at the build's own point."""
    return f"{context_tokens:,.0f} tokens: {count(fit, 'user')} fit (you: {users:,})"


# -- several workloads per build ----------------------------------------------------------------------------

# What each kind of workload is called (the workload panel's choices use the same words).
WORKLOAD_KINDS = {"inference": "inference", "full": "full fine-tune", "lora": "LoRA fine-tune",
                  "qlora": "QLoRA fine-tune", "pretrain": "pretraining"}


def workload_kind(kind: str, mode: str) -> str:
    """'inference', 'QLoRA fine-tune', ...: what a workload does (lower case inside a sentence)."""
    return WORKLOAD_KINDS.get("inference" if kind == "inference" else mode, mode)


def workload_title(name: str, kind: str, mode: str, model_name: str) -> str:
    """A workload's title: its name, else the model and what is done with it ('Llama 3.1 70B QLoRA fine-tune')."""
    return name or f"{model_name} {workload_kind(kind, mode)}"


def distinct_titles(titles: Iterable[str]) -> list[str]:
    """Titles made distinct within one build: a repeated title gets its number ('Inference: X (2)')."""
    found = list(titles)
    seen: dict[str, int] = {}
    out = []
    for t in found:
        n = seen[t.casefold()] = seen.get(t.casefold(), 0) + 1
        out.append(t if n == 1 else f"{t} ({n})")
    return out


def from_workload(title: str, message: str) -> str:
    """A finding about one of several workloads says which: 'QLoRA 70B: Training ... does not fit ...'."""
    return f"{title}: {message}"


def workload_state(w) -> str:
    """'fits', 'does not fit' or 'not sized' for one workload analysis."""
    return {True: "fits", False: "does not fit"}.get(w.fits, "not sized")


def workloads_fit(analysis) -> str:
    """'2 of 2 workloads fit', '1 of 3 workloads fit', 'the workload fits'."""
    total = len(analysis.workloads)
    fitting = sum(1 for w in analysis.workloads if w.fits)
    if total == 1:
        return f"the workload {workload_state(analysis.workloads[0])}"
    return f"{fitting} of {count(total, 'workload')} fit"


def workload_line(w) -> str:
    """One workload in one line, for lists and check output: 'Inference: Llama 3.1 70B: fits, 4 users at
    8,192 tokens' (the key figure of its kind after the state)."""
    state = workload_state(w)
    if w.inference is not None:
        r = w.inference.result
        figure = (f"{tokens_per_s(r.per_user_tokens_per_s)} per user at {count(w.inference.users, 'user')}"
                  if r.max_users_at_context >= 1 else "no user fits")
    elif w.training is not None:
        r = w.training.result
        figure = f"{duration(r.train_time_s)} to train" if r.fits else memory_fit(r.memory)
    else:
        figure = w.sizing_problem or ""
    return f"{w.title}: {state}" + (f", {figure}" if figure else "")


def workload_rows(w) -> list[tuple[str, str]]:
    """The figures of one workload analysis (the same rows as analysis_rows for the selected one)."""
    rows = analysis_rows(w)
    if not rows and w.sizing_problem:
        rows = [("Sizing", w.sizing_problem)]
    return rows
