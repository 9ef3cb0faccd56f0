"""The wording of the side-by-side comparison: one (label, text) row per figure of ``core.recommend.compare``,
the price-per figures, and the text mark that goes with the colour of a row's better value.

Reads ``CompareFigures`` by attribute (no core import), like the rest of configurator.present.
"""

from __future__ import annotations

from configurator.present.numbers import count, duration, money, tokens_per_s, watts
from configurator.present.sentences import findings_summary, memory_fit

NONE = "—"
# Printed before the better value of a row: the colour is never the only sign (colour-blind readers, print).
BETTER_MARK = "✓"


def better_text(text: str) -> str:
    """'✓ $12,000.00': a row's better value, marked in words as well as in colour."""
    return f"{BETTER_MARK} {text}"


def better_tip(direction: str) -> str:
    """The tooltip of a marked value: which way the row is better ('lower' or 'higher')."""
    return f"{BETTER_MARK} the better value of the compared builds ({direction} is better)"


def compare_header(name: str, position: int) -> str:
    """A column header: the build's name, numbered (the chart's legend uses the same words)."""
    return f"{position}. {name}"


def price_per(value, currency: str, unit: str) -> str:
    """'$1,234.00 per user'."""
    return f"{money(value, currency)} per {unit}"


def users_served(f) -> str:
    """'43 users at 15.0 tok/s or more', '512+ users at 15.0 tok/s or more' (the sweep's top still serves)."""
    if f.users_served is None:
        return NONE
    bar = f"at {tokens_per_s(f.served_min_tokens_per_s)} or more"
    if f.users_served == 0:
        return f"none {bar}"
    if f.users_served_capped:
        return f"{f.users_served:,}+ users {bar}"
    return f"{count(f.users_served, 'user')} {bar}"


def training_run_basis(f) -> str:
    """How the price per training run is reckoned (its tooltip)."""
    return (f"List price, power and support over {count(f.roi_months, 'month')} of use at {f.roi_hours_per_day:g} "
            "hours a day, spread over the hours worked, times the hours of one training run.")


def _why(problem, fallback: str = NONE) -> str:
    return f"{NONE} ({problem})" if problem else fallback


def compare_rows(f) -> list[tuple[str, str]]:
    """(label, text) per figure, in ``core.recommend.compare.LABELS`` order; a dash where the core has no
    figure, with the reason where it gives one."""
    inf_a, tr_a = f.inference, f.training
    inf = inf_a.inference.result if inf_a.inference else None
    tr = tr_a.training.result if tr_a.training else None
    cur = f.currency
    if inf is None:
        speed = _why(inf_a.sizing_problem)
    elif not inf.fits:
        speed = f"{NONE} (does not fit at {count(f.users, 'user')})"
    else:
        speed = f"{tokens_per_s(inf.per_user_tokens_per_s)} at {count(f.users, 'user')}"
    if tr is None:
        train = _why(tr_a.sizing_problem)
    elif not tr.fits:
        train = f"{NONE} (does not fit)"
    else:
        train = duration(tr.train_time_s)
    if f.price_per_tokens_per_s is not None:
        per_speed = (f"{price_per(f.price_per_tokens_per_s, cur, 'tok/s')} "
                     f"({tokens_per_s(f.aggregate_tokens_per_s)} for {count(f.users, 'user')})")
    else:
        per_speed = _why(None if inf is None or inf.fits else "does not fit")
    return [
        ("Price", money(f.price, cur) if f.price is not None else _why(inf_a.price_problem)),
        ("GPUs", f"{f.gpus} x {f.gpu_name}"),
        ("Total GPU memory", f"{f.vram_gb:,.0f} GB"),  # catalog capacities (80, 141, 180 GB), summed
        ("Bandwidth per GPU", f"{f.bandwidth_tb_s:g} TB/s" if f.bandwidth_tb_s is not None else NONE),
        ("Memory fit", memory_fit(inf.memory) if inf else NONE),
        ("Tokens/s per user", speed),
        ("Most users", f"{inf.max_users_at_context:,} at {f.context:,} tokens" if inf else NONE),
        ("Users served", users_served(f)),
        ("Price per user served", NONE if f.price_per_user_served is None else
         price_per(f.price_per_user_served, cur, "user") + (" or less" if f.users_served_capped else "")),
        ("Price per token/s", per_speed),
        ("Time to train", train),
        ("Price per training run", money(f.price_per_training_run, cur) if f.price_per_training_run is not None
         else _why(f.training_run_problem)),
        ("Power at the wall", watts(f.wall_w)),
        ("Findings", findings_summary(inf_a.findings)),
    ]
