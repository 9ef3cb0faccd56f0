"""The figures of one build for the side-by-side comparison, all taken from ``analyze()`` (Qt-free).

A build is analysed twice: with its workload as inference and as training (the same model settings), so
the comparison shows tokens/s and users that fit next to the time to train, whatever the build was saved
for. The price-per figures (per user served, per token/s, per training run) are computed here, and
``winners`` says which column holds the better value of each row (``BETTER``: lower price, higher speed, ...);
configurator.present.compare words every row and the compare view only displays and marks them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from configurator.core.analysis import Analysis, analyze
from configurator.core.configuration import Build
from configurator.core.errors import ConfiguratorError
from configurator.core.money import cents
from configurator.core.recommend.search import MIN_TOKENS_PER_S
from configurator.core.roi import DAYS_PER_MONTH, roi
from configurator.core.rules.memory import vram_gb
from configurator.core.rules.power import power_budget
from configurator.core.workload import INFERENCE, TRAINING, Workload

LOWER, HIGHER = "lower", "higher"
# Each row of the comparison and which way it is better (None: descriptive, no winner), in display order.
BETTER = {
    "Price": LOWER, "GPUs": None, "Total GPU memory": HIGHER, "Bandwidth per GPU": HIGHER,
    "Memory fit": HIGHER,  # memory left free per GPU
    "Tokens/s per user": HIGHER, "Most users": HIGHER, "Users served": HIGHER,
    "Price per user served": LOWER, "Price per token/s": LOWER, "Time to train": LOWER,
    "Price per training run": LOWER, "Power at the wall": LOWER,
    "Findings": LOWER,  # errors first, then warnings
}
LABELS = tuple(BETTER)
# A user is served when the build holds their KV cache and gives them at least this many tokens/s: the
# recommendations' bar (between the charts' "feels slow" 10 and "feels fast" 30 tok/s bands).
SERVED_MIN_TOKENS_PER_S = MIN_TOKENS_PER_S


@dataclass(frozen=True)
class CompareFigures:
    name: str
    inference: Analysis  # the build with its workload run as inference
    training: Analysis  # ... and as training
    price: Decimal | None
    currency: str
    gpus: int
    gpu_name: str
    vram_gb: float
    bandwidth_tb_s: float | None
    wall_w: float  # all nodes, full load
    users: int
    context: int
    # Price-per figures (None where the build has no such figure: no price, does not fit, ...).
    users_served: int | None = None  # most users at >= SERVED_MIN_TOKENS_PER_S each, at ``context``
    users_served_capped: bool = False  # the sweep's top (512 users) still serves: at least that many
    served_min_tokens_per_s: float = SERVED_MIN_TOKENS_PER_S
    aggregate_tokens_per_s: float | None = None  # all ``users`` together, where they fit
    price_per_user_served: Decimal | None = None
    price_per_tokens_per_s: Decimal | None = None  # price / aggregate tok/s at ``users``
    price_per_training_run: Decimal | None = None  # owning cost of one run (see ``training_run_cost``)
    training_run_problem: str | None = None  # why there is no price per training run
    roi_months: int = 36  # the amortisation the run cost uses (the build's ROI assumptions)
    roi_hours_per_day: Decimal = Decimal(12)

    def own(self, build_workload: Workload) -> Analysis:
        return self.inference if build_workload.kind == INFERENCE else self.training


def _as(build: Build, kind: str) -> Build:
    copy = Build(build.catalog, build.kind)
    copy.assign(build)
    copy.set_workload(replace(build.workload, kind=kind))
    return copy


def compare_figures(build: Build, catalog, workload: Workload | None = None) -> CompareFigures:
    """Figures for ``build`` under ``workload`` (default: its own)."""
    if workload is not None:
        base = Build(build.catalog, build.kind)
        base.assign(build)
        base.set_workload(workload)
        build = base
    inf = analyze(_as(build, INFERENCE), catalog)
    tr = analyze(_as(build, TRAINING), catalog)
    gpu = inf.system.gpu if inf.system else None
    price = inf.price.total if inf.price else None
    served, capped, aggregate = _served(inf)
    run_cost, run_problem = training_run_cost(build, tr)
    return CompareFigures(
        name=build.name or "Untitled build", inference=inf, training=tr,
        price=inf.price.total if inf.price else None, currency=inf.price.currency if inf.price else "",
        gpus=build.total_gpus, gpu_name=gpu.name if gpu else "no GPU", vram_gb=vram_gb(build) * build.nodes,
        bandwidth_tb_s=gpu.bandwidth_tb_s if gpu else None,
        wall_w=power_budget(build).wall_w * build.nodes,
        users=build.workload.inference.users, context=build.workload.inference.context_tokens,
        users_served=served, users_served_capped=capped, aggregate_tokens_per_s=aggregate,
        price_per_user_served=_per(price, served), price_per_tokens_per_s=_per(price, aggregate),
        price_per_training_run=run_cost, training_run_problem=run_problem,
        roi_months=build.roi.months, roi_hours_per_day=build.roi.hours_per_day,
    )


def _per(price: Decimal | None, quantity: float | None) -> Decimal | None:
    """``price`` per unit of ``quantity``, half-up to the cent (exact Decimal; the quantity's float is
    converted through its shortest repr)."""
    if price is None or quantity is None or not math.isfinite(quantity) or quantity <= 0:
        return None
    return cents(price / Decimal(repr(float(quantity))))


def _served(analysis: Analysis) -> tuple[int | None, bool, float | None]:
    """(users served, capped at the sweep's top?, aggregate tok/s at the chosen users where they fit)."""
    if analysis.inference is None:
        return None, False, None
    sweep = analysis.inference.decode
    ok = sweep.fits[:, 0] & (sweep.per_user_tokens_per_s[:, 0] >= SERVED_MIN_TOKENS_PER_S)
    served = int(sweep.users[ok].max()) if ok.any() else 0
    capped = bool(ok.any() and served >= int(sweep.users.max()))
    result = analysis.inference.result
    aggregate = float(result.aggregate_tokens_per_s) if result.fits else None
    return served, capped, aggregate


def training_run_cost(build: Build, training: Analysis) -> tuple[Decimal | None, str | None]:
    """What one training run costs on the owned build: the ROI's on-premises total over its horizon (list price
    plus power and support for ``months``), spread over the GPU-hours worked in it (``hours_per_day`` every
    day), times the run's hours. (Cost, None) or (None, why not)."""
    if training.training is None:
        return None, training.sizing_problem or "no training figures"
    result = training.training.result
    if not result.fits:
        return None, "the training run does not fit"
    if training.price is None:
        return None, training.price_problem or "no price"
    a = build.roi
    if a.hours_per_day <= 0 or not math.isfinite(result.train_time_s):
        return None, "the GPUs never work (0 hours a day)" if a.hours_per_day <= 0 else "not feasible"
    try:
        # The cloud side is not used here: a rate of 0 spares the catalog's cloud-rate lookup (a GPU no cloud rents).
        owned = roi(build, replace(a, cloud_rate=Decimal(0)), build.catalog, sheet=training.price)
    except ConfiguratorError as exc:
        return None, str(exc)
    total = owned.totals(a.months)[0]
    hours_worked = a.months * DAYS_PER_MONTH * a.hours_per_day
    run_hours = Decimal(repr(float(result.train_time_s))) / Decimal(3600)
    return cents(total * run_hours / hours_worked), None


def row_values(f: CompareFigures) -> dict[str, object]:
    """The comparable value of each row with a direction (``BETTER``); None where the build has none."""
    inf = f.inference.inference.result if f.inference.inference else None
    tr = f.training.training.result if f.training.training else None
    counts = {s: sum(1 for x in f.inference.findings if x.severity == s) for s in ("error", "warning")}
    return {
        "Price": f.price,
        "Total GPU memory": f.vram_gb,
        "Bandwidth per GPU": f.bandwidth_tb_s,
        "Memory fit": inf.memory.headroom_bytes if inf else None,
        "Tokens/s per user": inf.per_user_tokens_per_s if inf and inf.fits else None,
        "Most users": inf.max_users_at_context if inf else None,
        "Users served": f.users_served,
        "Price per user served": f.price_per_user_served,
        "Price per token/s": f.price_per_tokens_per_s,
        "Time to train": tr.train_time_s if tr and tr.fits and math.isfinite(tr.train_time_s) else None,
        "Price per training run": f.price_per_training_run,
        "Power at the wall": f.wall_w,
        "Findings": (counts["error"], counts["warning"]),
    }


def bounded_rows(f: CompareFigures) -> frozenset[str]:
    """Rows whose value is only a bound, the true figure being at least as good: a build that still serves
    everyone at the sweep's top (512 users) serves that many or more, at that price per user or less."""
    return frozenset(("Users served", "Price per user served")) if f.users_served_capped else frozenset()


def winners(figures: list[CompareFigures]) -> dict[str, frozenset[int]]:
    """For each row with a direction, the columns holding the better value (ties share it). Empty when fewer
    than two builds have the figure, when they all have the same value (nothing to prefer), or when bounds
    leave it open: two bounded values (either may be better), or a bounded value shown worse than an exact one."""
    values = [row_values(f) for f in figures]
    bounds = [bounded_rows(f) for f in figures]
    out: dict[str, frozenset[int]] = {}
    for label, direction in BETTER.items():
        out[label] = frozenset()
        if direction is None:
            continue
        have = [(i, v[label]) for i, v in enumerate(values) if v.get(label) is not None]
        if len(have) < 2 or len({x for _, x in have}) == 1:
            continue
        pick = min if direction == LOWER else max
        best = pick(x for _, x in have)
        bounded = [i for i, _ in have if label in bounds[i]]
        if len(bounded) > 1:
            continue
        if bounded:
            i = bounded[0]
            exact = [x for j, x in have if j != i]
            if pick([values[i][label], *exact]) != values[i][label]:
                continue  # the bounded build may still be the better one
            out[label] = frozenset({i})
            continue
        out[label] = frozenset(i for i, x in have if x == best)
    return out
