"""The figures of one build for the side-by-side comparison, all taken from ``analyze()`` (Qt-free).

A build is analysed twice: with its workload as inference and as training (the same model settings), so
the comparison shows tokens/s and users that fit next to the time to train, whatever the build was saved
for. ``rows`` turns the figures into (label, text) pairs; the compare view only displays them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from configurator.core.analysis import Analysis, analyze
from configurator.core.configuration import Build

from configurator.core.rules.memory import vram_gb
from configurator.core.rules.power import power_budget
from configurator.core.workload import INFERENCE, TRAINING, Workload
from configurator.present import count, duration, findings_summary, memory_fit, money, tokens_per_s, watts

LABELS = ("Price", "GPUs", "Total GPU memory", "Bandwidth per GPU", "Memory fit", "Tokens/s per user",
          "Most users", "Time to train", "Power at the wall", "Findings")


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
    return CompareFigures(
        name=build.name or "Untitled build", inference=inf, training=tr,
        price=inf.price.total if inf.price else None, currency=inf.price.currency if inf.price else "",
        gpus=build.total_gpus, gpu_name=gpu.name if gpu else "no GPU", vram_gb=vram_gb(build) * build.nodes,
        bandwidth_tb_s=gpu.bandwidth_tb_s if gpu else None,
        wall_w=power_budget(build).wall_w * build.nodes,
        users=build.workload.inference.users, context=build.workload.inference.context_tokens,
    )


def rows(f: CompareFigures) -> list[tuple[str, str]]:
    """(label, text) per figure, in ``LABELS`` order; a dash where the core has no figure (and why)."""
    inf = f.inference.inference.result if f.inference.inference else None
    tr = f.training.training.result if f.training.training else None
    mem = inf.memory if inf else None
    fit = "—" if mem is None else memory_fit(mem)
    return [
        ("Price", money(f.price, f.currency) if f.price is not None else f.inference.price_problem or "—"),
        ("GPUs", f"{f.gpus} x {f.gpu_name}"),
        ("Total GPU memory", f"{f.vram_gb:,.0f} GB"),
        ("Bandwidth per GPU", f"{f.bandwidth_tb_s:g} TB/s" if f.bandwidth_tb_s is not None else "—"),
        ("Memory fit", fit),
        ("Tokens/s per user", f"{tokens_per_s(inf.per_user_tokens_per_s)} at {count(f.users, 'user')}" if inf
         else f.inference.sizing_problem or "—"),
        ("Most users", f"{inf.max_users_at_context:,} at {f.context:,} tokens" if inf else "—"),
        ("Time to train", duration(tr.train_time_s) + ("" if tr.fits else " (does not fit)") if tr
         else f.training.sizing_problem or "—"),
        ("Power at the wall", watts(f.wall_w)),
        ("Findings", findings_summary(f.inference.findings)),
    ]
