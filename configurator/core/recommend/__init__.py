"""Recommendations: good/better/best builds for a workload, following the seed's decision tree.

``recommend(request, catalog)`` picks the branch (request.py), assembles candidate builds from the catalog
(assemble.py), keeps those the rules pass and the sizing core says fit (search.py), cuts them into tiers
and explains each in a sentence or two with the figures of its analysis (explain.py). Every proposal's
``analysis`` is the same ``analyze()`` the window and the compare view show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from configurator.core.analysis import Analysis, analyze
from configurator.core.configuration import Build
from configurator.core.recommend.explain import summarize
from configurator.core.recommend.request import (
    CLUSTER_PRETRAIN, MODES, SERVER_FINETUNE, SERVER_INFERENCE, SMALL_TEAM_USERS, WORKSTATION_FINETUNE,
    WORKSTATION_INFERENCE, Request, branch_of, check_request,
)
from configurator.core.recommend.search import candidates, tiers

TIERS = ("good", "better", "best")


@dataclass(frozen=True)
class Proposal:
    tier: str  # "good", "better" or "best"
    build: Build
    analysis: Analysis
    summary: str

    @property
    def price_total(self) -> Decimal:
        return self.analysis.price.total


@dataclass(frozen=True)
class Recommendation:
    request: Request
    branch: str
    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Builds cheaper than every proposal that were left out, cheapest first, each with its reason (search.Rejection)
    rejected: tuple = field(default_factory=tuple)


def recommend(request: Request, catalog) -> Recommendation:
    """Up to three proposals, ordered good, better, best (fewer when fewer distinct builds pass)."""
    from configurator.present import money

    req = check_request(request, catalog)
    branch = branch_of(req)
    rejected: list = []
    found, notes = candidates(req, catalog, branch, rejected)
    proposals = []
    for tier, cand in tiers(found, req.training, req.budget):
        analysis = analyze(cand.build, catalog)
        if analysis.has_errors or not analysis.fits or analysis.price is None:  # the search and analyze agree
            notes.append(f"{cand.build.name} was dropped: the full analysis did not confirm it.")
            continue
        text = summarize(cand.build, analysis, catalog)
        if cand.serving is not None:
            text += " " + serving_sentence(cand.serving, req)
        proposals.append(Proposal(tier, cand.build, analysis, text))
    cheaper = cheaper_rejections(rejected, proposals)
    if req.has_slo:
        for r in [r for r in cheaper if r.kind == "slo"][:MAX_REJECTION_NOTES]:
            notes.append(f"{r.name} ({money(r.price, r.currency)}) misses the service level: {r.reason}.")
    return Recommendation(req, branch, tuple(proposals), tuple(notes), tuple(cheaper[:MAX_REJECTED]))


def cheaper_rejections(rejected: list, proposals: list) -> list:
    """The left-out builds cheaper than the cheapest proposal (all of them when nothing was proposed), each once
    with the reason of its last try (a build refused on the strict bar may pass the relaxed one: then it is not
    here), cheapest first."""
    cheapest = min((p.price_total for p in proposals), default=None)
    chosen = {p.build.name for p in proposals}
    last: dict[str, object] = {}
    for r in rejected:
        last[r.name] = r
    return sorted((r for name, r in last.items() if name not in chosen and (cheapest is None or r.price < cheapest)),
                  key=lambda r: (r.price, r.name))


MAX_REJECTION_NOTES = 6
MAX_REJECTED = 20  # left-out builds a recommendation keeps (the wizard lists them under the cards)


def serving_sentence(r, req: Request) -> str:
    """The service level a proposal meets, in figures from its simulation."""
    from configurator.present import duration, tokens_per_s

    return (f"Under load ({req.serving_users:,} users, {req.input_tokens or 1024:,} prompt / "
            f"{req.output_tokens or 512:,} output tokens, {r.layout}): P95 time to first token "
            f"{duration(r.ttft_s_p95)}, P95 time per output token {duration(r.tpot_s_p95)}, "
            f"{tokens_per_s(r.system_output_tokens_per_s or 0.0)} in all.")


__all__ = ["Request", "Proposal", "Recommendation", "recommend", "branch_of", "MODES", "TIERS",
           "SMALL_TEAM_USERS", "WORKSTATION_INFERENCE", "SERVER_INFERENCE", "WORKSTATION_FINETUNE",
           "SERVER_FINETUNE", "CLUSTER_PRETRAIN"]
