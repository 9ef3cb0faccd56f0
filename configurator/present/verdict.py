"""The verdict at a glance: one line per question a visitor asks (does it fit, how fast per user, how long until
the first token or until training ends, can it be quoted, what does it cost), each with its state in words.

``verdict(analysis)`` returns the items the window's verdict strip places; colour follows ``state`` but the
words alone carry it too ("Fits" / "Does not fit", "feels fast" / "feels slow"), never colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from configurator.present.numbers import count, duration, memory, money, tokens, tokens_per_s
from configurator.present.sentences import severity_counts, workloads_fit

GOOD, FAIR, BAD, NEUTRAL = "good", "fair", "bad", "neutral"
# Per-user decode speed as it feels to read along (SIZING/DESIGN: "30 tok/s feels fast, 10 feels slow").
FAST_TOK_S, SLOW_TOK_S = 30.0, 10.0
# Time to first token: under a second feels instant in a chat; over five seconds users wait visibly.
QUICK_TTFT_S, SLOW_TTFT_S = 1.0, 5.0
MARKS = {GOOD: "✓", FAIR: "!", BAD: "✗", NEUTRAL: ""}


@dataclass(frozen=True)
class VerdictItem:
    key: str  # 'memory', 'speed', 'ttft', 'training', 'checks', 'price': the chart or panel that explains it
    title: str  # what is asked: "Memory", "Speed per user", ...
    value: str  # the answer: "Fits", "130 tok/s", ...
    detail: str  # the figure behind it: "32.4 GB of 141 GB per GPU"
    state: str  # GOOD, FAIR, BAD or NEUTRAL

    @property
    def mark(self) -> str:
        return MARKS[self.state]

    @property
    def text(self) -> str:
        """The whole item as one line (accessible name, tooltips, tests)."""
        head = f"{self.mark} {self.value}".strip()
        return f"{self.title}: {head}" + (f" ({self.detail})" if self.detail else "")


def _memory(mem) -> VerdictItem:
    detail = f"{memory(mem.total_bytes)} of {memory(mem.capacity_bytes)} per GPU"
    if mem.fits:
        return VerdictItem("memory", "Memory", "Fits", detail, GOOD)
    return VerdictItem("memory", "Memory", "Does not fit", detail, BAD)


def _speed(per_user: float, users: int) -> VerdictItem:
    if per_user >= FAST_TOK_S:
        state, feel = GOOD, "feels fast"
    elif per_user >= SLOW_TOK_S:
        state, feel = FAIR, "readable"
    else:
        state, feel = BAD, "feels slow"
    return VerdictItem("speed", "Speed per user", tokens_per_s(per_user), f"{feel}, at {count(users, 'user')}", state)


def _ttft(ttft_s: float, prompt_tokens: int) -> VerdictItem:
    state = GOOD if ttft_s <= QUICK_TTFT_S else FAIR if ttft_s <= SLOW_TTFT_S else BAD
    return VerdictItem("ttft", "First token", duration(ttft_s), f"for a {prompt_tokens:,}-token prompt", state)


def _checks(findings) -> VerdictItem:
    c = severity_counts(findings)
    if c["error"]:
        return VerdictItem("checks", "Checks", count(c["error"], "error"), "cannot be quoted", BAD)
    if c["warning"]:
        return VerdictItem("checks", "Checks", "No errors", count(c["warning"], "warning"), FAIR)
    return VerdictItem("checks", "Checks", "No errors", "can be quoted", GOOD)


def verdict(analysis, show_price: bool = True) -> list[VerdictItem]:
    """The verdict items of ``analysis`` (an empty build gives the checks and the price only)."""
    items: list[VerdictItem] = []
    several = getattr(analysis, "workloads", ())
    if len(several) > 1:  # which workload the other cells speak of, and how many of them fit
        fitting = sum(1 for w in several if w.fits)
        state = GOOD if fitting == len(several) else BAD if fitting == 0 else FAIR
        items.append(VerdictItem("workloads", "Workloads", workloads_fit(analysis),
                                 f"showing {several[analysis.selected].title}", state))
    if analysis.inference is not None:
        inf = analysis.inference
        r = inf.result
        items.append(_memory(r.memory))
        s = getattr(inf, "serving", None)
        if r.max_users_at_context >= 1 and s is not None and s.fits:  # what users feel under load
            speed = _speed(s.per_user_tokens_per_s_p50, inf.users)
            items.append(replace(speed, detail=f"{speed.detail}, median under load"))
            ttft = _ttft(s.ttft_s_p95, inf.prompt_tokens)
            items.append(replace(ttft, detail=f"p95 with queueing, {inf.prompt_tokens:,}-token prompts"))
        elif r.max_users_at_context >= 1:
            items.append(_speed(r.per_user_tokens_per_s, inf.users))
            items.append(_ttft(r.ttft_s, inf.prompt_tokens))
    elif analysis.training is not None:
        r = analysis.training.result
        items.append(_memory(r.memory))
        if r.fits:
            gpus = analysis.system.total_gpus if analysis.system is not None else 0
            items.append(VerdictItem("training", "Time to train", duration(r.train_time_s),
                                     f"on {count(gpus, 'GPU')}, {tokens(r.tokens_per_s * r.train_time_s)}",
                                     NEUTRAL))
    elif analysis.sizing_problem:
        items.append(VerdictItem("memory", "Sizing", "Not sized", analysis.sizing_problem, NEUTRAL))
    items.append(_checks(analysis.findings))
    if show_price:
        if analysis.price is not None:
            items.append(VerdictItem("price", "List price", money(analysis.price.total, analysis.price.currency),
                                     "", NEUTRAL))
        else:
            items.append(VerdictItem("price", "List price", "—", analysis.price_problem or "", NEUTRAL))
    return items


# -- the build's own point, printed on the charts ------------------------------------------------------------


def speed_point_label(per_user: float, users: int) -> str:
    return f"{tokens_per_s(per_user)} per user at {count(users, 'user')}"


def ttft_point_label(ttft_s: float, prompt_tokens: float) -> str:
    return f"{duration(ttft_s)} at {prompt_tokens:,.0f} tokens"


def training_point_label(train_time_s: float, gpus: int) -> str:
    return f"{duration(train_time_s)} on {count(gpus, 'GPU')}"
