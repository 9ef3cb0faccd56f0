"""Everything the window, the compare view and the quote show about one build, computed in one place.

``analyze(build, catalog)`` runs the rules, the pricing and the sizing core (with the chart sweeps)
for the build's selected workload, and sizes and checks every other workload of the build at its own
operating point (``Analysis.workloads``; no chart sweeps for those: the charts follow the selected one).
The UI only displays what this returns; it never computes a figure. A workload the build cannot size (no
GPU yet, an unknown model) gives ``sizing_problem`` instead of charts, never an exception.

The other workloads do not change while the selected one is edited, so the live path stays as fast as with
one workload: their figures are kept in a ``SizingCache`` (the window holds one) keyed by everything they
depend on (the workload, the system the build makes, the catalog).
"""

from __future__ import annotations

from collections import OrderedDict
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
from configurator.core.workload import CUSTOM_MODEL_ID, INFERENCE, NamedWorkload, Workload
from configurator.present.sentences import distinct_titles, from_workload, workload_title


@dataclass(frozen=True)
class InferenceAnalysis:
    result: InferenceResult  # at the chosen users, context and prompt
    # The chart sweeps: None for a workload that is not the selected one (no chart shows it)
    decode: DecodeSweep | None  # users 1..512 at the chosen context: shape (512, 1)
    users_fit: UsersFitSweep | None  # against context length
    ttft: TtftSweep | None  # against prompt length, at the chosen users
    users: int  # the chosen operating point (the workload's), marked on the charts
    context_tokens: int
    prompt_tokens: int
    # Under load (SIZING.md 3b): the users as a closed loop of requests (prompt in, output out) on a
    # continuous-batching engine, closed-form estimate (microseconds: it follows every slider step).
    serving: ServingResult | None = None


@dataclass(frozen=True)
class TrainingAnalysis:
    result: TrainingResult  # on the build's GPUs
    sweep: TrainingSweep | None  # against GPU count; None for a workload that is not the selected one


@dataclass(frozen=True)
class WorkloadAnalysis:
    """One workload of the build, sized and checked: its figures, whether it fits, its own findings."""

    name: str  # as the user named it ("" = unnamed)
    title: str  # what screens and documents call it: the name, else its kind and model (distinct in a build)
    workload: Workload
    inference: InferenceAnalysis | None = None
    training: TrainingAnalysis | None = None
    sizing_problem: str | None = None
    findings: tuple[Finding, ...] = ()  # from its sizing (WORKLOAD_DOES_NOT_FIT, USERS_EXCEED_MEMORY)
    notes: tuple[str, ...] = ()

    @property
    def fits(self) -> bool | None:
        """True/False once sized; None when it could not be sized (no GPU, an unknown model)."""
        if self.inference is not None:
            return bool(self.inference.result.fits)
        if self.training is not None:
            return bool(self.training.result.fits)
        return None

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


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
    # Every workload of the build in order (inference/training/sizing_problem/notes above are the selected
    # one's, with its chart sweeps); findings hold every workload's sizing findings, each saying which
    # workload it is about when there are several.
    workloads: tuple[WorkloadAnalysis, ...] = ()
    selected: int = 0

    @property
    def selected_workload(self) -> WorkloadAnalysis | None:
        return self.workloads[self.selected] if self.workloads else None

    @property
    def fitting_count(self) -> int:
        """How many workloads fit the build."""
        return sum(1 for w in self.workloads if w.fits)

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


def _inference(workload: Workload, catalog, system: SystemSpec, sweeps: bool = True) -> InferenceAnalysis:
    w = workload.inference
    model = resolve_model(w.model_id, workload, catalog)
    engine = catalog.engine(w.engine)
    weight, kv = catalog.precision(w.precision), catalog.precision(w.kv_precision)
    efficiency = catalog.engine_efficiency(engine.id, system.gpu.gpu_class)
    setup = prepare_inference(model, system, weight, kv, efficiency, engine, w.parallel)
    return InferenceAnalysis(
        serving=_serving(model, system, weight, kv, engine, efficiency, w),
        result=evaluate_inference(setup, w.users, w.context_tokens, w.prompt_tokens),
        decode=decode_sweep(setup, DEFAULT_USERS, np.array([float(w.context_tokens)]), float(w.prompt_tokens))
        if sweeps else None,
        users_fit=users_fit_sweep(setup, DEFAULT_CONTEXTS, float(w.prompt_tokens)) if sweeps else None,
        ttft=ttft_sweep(setup, DEFAULT_PROMPTS, w.users) if sweeps else None,
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


def _training(workload: Workload, catalog, system: SystemSpec, sweeps: bool = True) -> TrainingAnalysis:
    w = workload.training
    model = resolve_model(w.model_id, workload, catalog)
    precision = catalog.precision(w.precision)
    counts = np.union1d(DEFAULT_GPU_COUNTS, [float(system.total_gpus)])
    return TrainingAnalysis(
        result=evaluate_training(model, system, w, precision),
        sweep=training_sweep(model, system, w, counts, precision) if sweeps else None,
    )


class SizingCache:
    """The sized figures of workloads that are not the selected one, by everything they depend on (the
    workload, the system spec the build makes, the catalog object): a keystroke in the selected workload
    recomputes only that one. Bounded: the least recently used entries go first."""

    def __init__(self, size: int = 64):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        try:
            value = self._entries[key]
        except (KeyError, TypeError):  # TypeError: something unhashable in the key: never cached
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key, value) -> None:
        try:
            self._entries[key] = value
        except TypeError:
            return
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def analyze(build: Build, catalog, discount_percent: Decimal | int | str = 0,
            tax_percent: Decimal | int | str = 0, cache: SizingCache | None = None) -> Analysis:
    result = _analyze(build, catalog, discount_percent, tax_percent, cache)
    if result.price is None or not build.gpus:
        return replace(result, roi_problem=result.price_problem or "Add a GPU to compare with cloud rental.")
    try:
        return replace(result, roi=roi(build, build.roi, catalog, sheet=result.price))
    except ConfiguratorError as exc:
        return replace(result, roi_problem=str(exc))


def _analyze(build: Build, catalog, discount_percent, tax_percent, cache: SizingCache | None) -> Analysis:
    findings = check(build)
    price: PriceSheet | None = None
    price_problem = None
    try:
        price = price_build(build, discount_percent=discount_percent, tax_percent=tax_percent)
    except ConfiguratorError as exc:
        price_problem = str(exc)
    system: SystemSpec | None = None
    problem: str | None = None
    if not build.gpus:
        problem = "Add a GPU to size the workload."
    else:
        try:
            system = to_system_spec(build)
        except ConfiguratorError as exc:
            problem = str(exc)
    titles = workload_titles(build, catalog)
    several = len(build.workloads) > 1
    sized: list[WorkloadAnalysis] = []
    for i, named in enumerate(build.workloads):
        selected = i == build.selected_workload
        if system is None:
            one = WorkloadAnalysis(named.name, titles[i], named.workload, sizing_problem=problem)
        elif selected:  # with the chart sweeps, always afresh: it is the one being edited
            one = size_workload(named, titles[i], catalog, system)
        else:
            key = (catalog, named, titles[i], system)
            one = cache.get(key) if cache is not None else None
            if one is None:
                one = size_workload(named, titles[i], catalog, system, sweeps=False)
                if cache is not None:
                    cache.put(key, one)
        sized.append(one)
    extra = [replace(f, message=from_workload(w.title, f.message)) if several else f
             for w in sized for f in w.findings]
    chosen = sized[build.selected_workload]
    return Analysis(_with(findings, extra), price, price_problem, system, inference=chosen.inference,
                    training=chosen.training, sizing_problem=chosen.sizing_problem, notes=chosen.notes,
                    workloads=tuple(sized), selected=build.selected_workload)


def size_workload(named: NamedWorkload, title: str, catalog, system: SystemSpec,
                  sweeps: bool = True) -> WorkloadAnalysis:
    """One workload sized on ``system`` with its fit findings; a workload that cannot be sized gives its
    ``sizing_problem``, never an exception."""
    workload = named.workload
    try:
        if workload.kind == INFERENCE:
            inf = _inference(workload, catalog, system, sweeps)
            w = workload.inference
            fit = inference_fit(_model_name(workload, catalog, w.model_id), inf.result, w.users, w.context_tokens,
                                system.gpu.id)
            return WorkloadAnalysis(named.name, title, workload, inference=inf, findings=tuple(fit),
                                    notes=tuple(inf.result.notes))
        tr = _training(workload, catalog, system, sweeps)
        fit = training_fit(_model_name(workload, catalog, workload.training.model_id), tr.result, system.gpu.id)
        return WorkloadAnalysis(named.name, title, workload, training=tr, findings=tuple(fit),
                                notes=tuple(tr.result.notes))
    except ConfiguratorError as exc:
        return WorkloadAnalysis(named.name, title, workload, sizing_problem=str(exc))


def workload_titles(build: Build, catalog) -> list[str]:
    """What each workload of ``build`` is called on screen and paper, distinct within the build."""
    titles = []
    for named in build.workloads:
        w = named.workload
        model_id = w.inference.model_id if w.kind == INFERENCE else w.training.model_id
        titles.append(workload_title(named.name, w.kind, w.training.mode, _model_name(w, catalog, model_id)))
    return distinct_titles(titles)


def _model_name(workload: Workload, catalog, model_id: str) -> str:
    try:
        return resolve_model(model_id, workload, catalog).name or model_id
    except (ConfiguratorError, KeyError):  # an unknown model is named by its id (its sizing says what is wrong)
        return model_id


def _with(findings: list[Finding], extra: list[Finding]) -> list[Finding]:
    """The rules' findings plus the sizing's, errors first (the order ``check`` keeps)."""
    return sorted([*findings, *extra], key=lambda f: SEVERITIES.index(f.severity))
