"""Everything the window, the compare view and the quote show about one build, computed in one place.

``analyze(build, catalog)`` runs the rules, the pricing and the sizing core (with the chart sweeps)
for the build's workload. The UI only displays what this returns; it never computes a figure.
A workload the build cannot size (no GPU yet, an unknown model) gives ``sizing_problem`` instead of
charts, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from configurator.core.configuration import Build, to_system_spec
from configurator.core.errors import ConfiguratorError
from configurator.core.pricing import PriceSheet, price_build
from configurator.core.roi import RoiResult, roi
from configurator.core.rules import SEVERITIES, Finding, check
from configurator.core.rules.fit import inference_fit, training_fit
from configurator.core.sizing import (
    DEFAULT_CONTEXTS, DEFAULT_GPU_COUNTS, DEFAULT_PROMPTS, DEFAULT_USERS, DecodeSweep, InferenceResult,
    TrainingResult, TrainingSweep, TtftSweep, UsersFitSweep, decode_sweep, evaluate_inference, evaluate_training,
    prepare_inference, training_sweep, ttft_sweep, users_fit_sweep,
)
from configurator.core.sizing.serving import CLOSED, Lengths, ServingBuild, ServingResult, ServingWorkload, estimate
from configurator.core.system import SystemSpec
from configurator.core.sizing import custom_arch
from configurator.core.workload import CUSTOM_MODEL_ID, INFERENCE, Workload


@dataclass(frozen=True)
class InferenceAnalysis:
    result: InferenceResult  # at the chosen users, context and prompt
    decode: DecodeSweep  # users 1..512 at the chosen context: shape (512, 1)
    users_fit: UsersFitSweep  # against context length
    ttft: TtftSweep  # against prompt length, at the chosen users
    users: int  # the chosen operating point (the workload's), marked on the charts
    context_tokens: int
    prompt_tokens: int
    # Under load (SIZING.md 3b): the users as a closed loop of requests (prompt in, output out) on a
    # continuous-batching engine, closed-form estimate (microseconds: it follows every slider step).
    serving: ServingResult | None = None


@dataclass(frozen=True)
class TrainingAnalysis:
    result: TrainingResult  # on the build's GPUs
    sweep: TrainingSweep  # against GPU count


@dataclass(frozen=True)
class Analysis:
    findings: list[Finding]
    price: PriceSheet | None
    price_problem: str | None
    system: SystemSpec | None
    inference: InferenceAnalysis | None = None
    training: TrainingAnalysis | None = None
    sizing_problem: str | None = None  # why there are no sizing figures
    notes: tuple[str, ...] = field(default_factory=tuple)
    roi: RoiResult | None = None  # on-premises against cloud under the build's ROI assumptions
    roi_problem: str | None = None

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def fits(self) -> bool | None:
        if self.inference is not None:
            return self.inference.result.fits
        if self.training is not None:
            return self.training.result.fits
        return None


def resolve_model(model_id: str, workload: Workload, catalog):
    """The architecture a workload names: a catalog model, or the user's custom one."""
    if model_id == CUSTOM_MODEL_ID:
        c = workload.custom
        return custom_arch(c.params_b, c.layers, c.hidden, c.kv_heads, c.head_dim, heads=c.heads, name=c.name)
    return catalog.model(model_id)


def _inference(build: Build, catalog, system: SystemSpec) -> InferenceAnalysis:
    w = build.workload.inference
    model = resolve_model(w.model_id, build.workload, catalog)
    engine = catalog.engine(w.engine)
    weight, kv = catalog.precision(w.precision), catalog.precision(w.kv_precision)
    efficiency = catalog.engine_efficiency(engine.id, system.gpu.gpu_class)
    setup = prepare_inference(model, system, weight, kv, efficiency, engine, w.parallel)
    return InferenceAnalysis(
        serving=_serving(model, system, weight, kv, engine, efficiency, w),
        result=evaluate_inference(setup, w.users, w.context_tokens, w.prompt_tokens),
        decode=decode_sweep(setup, DEFAULT_USERS, np.array([float(w.context_tokens)]), float(w.prompt_tokens)),
        users_fit=users_fit_sweep(setup, DEFAULT_CONTEXTS, float(w.prompt_tokens)),
        ttft=ttft_sweep(setup, DEFAULT_PROMPTS, w.users),
        users=w.users, context_tokens=w.context_tokens, prompt_tokens=w.prompt_tokens,
    )


def _serving(model, system, weight, kv, engine, efficiency, w) -> ServingResult | None:
    """The workload's users under load, or None where the serving model cannot take it (said in the notes of
    ``configurator serve``; the window keeps the batch figures)."""
    try:
        return estimate(ServingBuild(model, system, weight, kv, engine, efficiency),
                        ServingWorkload(Lengths(max(w.prompt_tokens, 1)), Lengths(max(w.output_tokens, 1)),
                                        arrival=CLOSED, concurrency=w.users))
    except ConfiguratorError:
        return None


def _training(build: Build, catalog, system: SystemSpec) -> TrainingAnalysis:
    w = build.workload.training
    model = resolve_model(w.model_id, build.workload, catalog)
    precision = catalog.precision(w.precision)
    counts = np.union1d(DEFAULT_GPU_COUNTS, [float(system.total_gpus)])
    return TrainingAnalysis(
        result=evaluate_training(model, system, w, precision),
        sweep=training_sweep(model, system, w, counts, precision),
    )


def analyze(build: Build, catalog, discount_percent: Decimal | int | str = 0,
            tax_percent: Decimal | int | str = 0) -> Analysis:
    result = _analyze(build, catalog, discount_percent, tax_percent)
    if result.price is None or not build.gpus:
        return replace(result, roi_problem=result.price_problem or "Add a GPU to compare with cloud rental.")
    try:
        return replace(result, roi=roi(build, build.roi, catalog, sheet=result.price))
    except ConfiguratorError as exc:
        return replace(result, roi_problem=str(exc))


def _analyze(build: Build, catalog, discount_percent, tax_percent) -> Analysis:
    findings = check(build)
    price: PriceSheet | None = None
    price_problem = None
    try:
        price = price_build(build, discount_percent=discount_percent, tax_percent=tax_percent)
    except ConfiguratorError as exc:
        price_problem = str(exc)
    if not build.gpus:
        return Analysis(findings, price, price_problem, None, sizing_problem="Add a GPU to size the workload.")
    try:
        system = to_system_spec(build)
    except ConfiguratorError as exc:
        return Analysis(findings, price, price_problem, None, sizing_problem=str(exc))
    try:
        if build.workload.kind == INFERENCE:
            inf = _inference(build, catalog, system)
            w = build.workload.inference
            fit = inference_fit(_model_name(build, catalog, w.model_id), inf.result, w.users, w.context_tokens,
                                system.gpu.id)
            return Analysis(_with(findings, fit), price, price_problem, system, inference=inf,
                            notes=inf.result.notes)
        tr = _training(build, catalog, system)
        fit = training_fit(_model_name(build, catalog, build.workload.training.model_id), tr.result, system.gpu.id)
        return Analysis(_with(findings, fit), price, price_problem, system, training=tr,
                        notes=tuple(tr.result.notes))
    except ConfiguratorError as exc:
        return Analysis(findings, price, price_problem, system, sizing_problem=str(exc))


def _model_name(build: Build, catalog, model_id: str) -> str:
    return resolve_model(model_id, build.workload, catalog).name or model_id


def _with(findings: list[Finding], extra: list[Finding]) -> list[Finding]:
    """The rules' findings plus the sizing's, errors first (the order ``check`` keeps)."""
    return sorted([*findings, *extra], key=lambda f: SEVERITIES.index(f.severity))
