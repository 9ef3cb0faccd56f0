"""The inputs and results of the serving figures: build, workload, service level, layout, result.

Plain frozen dataclasses with unit-named fields (seconds, tokens, tokens/s); no catalog, no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from configurator.core.errors import InvalidInputError
from configurator.core.parts import Engine, EngineEfficiency, ModelArch, Precision
from configurator.core.sizing.hardware import Efficiency
from configurator.core.system import SystemSpec

CLOSED, OPEN, OFFLINE = "closed", "open", "max"
ARRIVALS = (CLOSED, OPEN, OFFLINE)
BOUNDS = ("kv_capacity", "compute", "bandwidth", "overhead")
MAX_REQUESTS = 200_000
MAX_TOKENS = 10_000_000


@dataclass(frozen=True)
class Lengths:
    """Prompt or output lengths in tokens: every request ``mean`` (cv = 0), or drawn from a log-normal with that
    mean and coefficient of variation, clipped to [low, high] (high defaults to 8 x mean)."""

    mean: float
    cv: float = 0.0
    low: int = 1
    high: int | None = None

    def __post_init__(self):
        if not (isinstance(self.mean, (int, float)) and math.isfinite(self.mean) and 1 <= self.mean <= MAX_TOKENS):
            raise InvalidInputError(f"token lengths must be from 1 to {MAX_TOKENS:,}, not {self.mean!r}")
        if not (math.isfinite(self.cv) and 0 <= self.cv <= 10):
            raise InvalidInputError(f"length spread (coefficient of variation) must be from 0 to 10, not {self.cv!r}")

    @property
    def fixed(self) -> bool:
        return self.cv == 0

    @property
    def maximum(self) -> int:
        if self.fixed:
            return int(round(self.mean))
        return int(self.high if self.high is not None else max(self.low, math.ceil(8 * self.mean)))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        if self.fixed:
            return np.full(n, int(round(self.mean)), dtype=np.int64)
        sigma = math.sqrt(math.log1p(self.cv * self.cv))
        mu = math.log(self.mean) - 0.5 * sigma * sigma
        x = np.rint(rng.lognormal(mu, sigma, n))
        return np.clip(x, self.low, self.maximum).astype(np.int64)


def as_lengths(value) -> Lengths:
    return value if isinstance(value, Lengths) else Lengths(float(value))


@dataclass(frozen=True)
class ServiceLevel:
    """Targets at a percentile of requests (95 by default; MLPerf Server uses 99): time to first token and time
    per output token (or its inverse, tokens/s per user)."""

    ttft_s: float | None = None
    tpot_s: float | None = None
    percentile: float = 95.0

    def __post_init__(self):
        for name in ("ttft_s", "tpot_s"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                raise InvalidInputError(f"service level {name} must be a positive number of seconds, not {v!r}")
        if not 50 <= self.percentile < 100:
            raise InvalidInputError(f"service-level percentile must be from 50 to below 100, not {self.percentile}")

    @classmethod
    def with_user_speed(cls, ttft_s: float | None, min_tokens_per_s: float, percentile: float = 95.0):
        """A per-user speed target: at least ``min_tokens_per_s`` for the slowest (100 - percentile)% of users."""
        if not (math.isfinite(min_tokens_per_s) and min_tokens_per_s > 0):
            raise InvalidInputError("tokens/s per user must be a positive number")
        return cls(ttft_s, 1.0 / min_tokens_per_s, percentile)

    @property
    def empty(self) -> bool:
        return self.ttft_s is None and self.tpot_s is None


@dataclass(frozen=True)
class ServingWorkload:
    """Who sends what: closed loop (``concurrency`` users, each sending again ``think_time_s`` on average after
    the previous answer), open loop (Poisson at ``rate_per_s``) or offline maximum (``max``: every request queued
    at once, as engine benchmarks and MLPerf Offline run)."""

    input_tokens: Lengths
    output_tokens: Lengths
    arrival: str = CLOSED
    concurrency: int = 1
    rate_per_s: float = 0.0
    think_time_s: float = 0.0
    requests: int = 1000
    seed: int = 0
    slo: ServiceLevel | None = None

    def __post_init__(self):
        object.__setattr__(self, "input_tokens", as_lengths(self.input_tokens))
        object.__setattr__(self, "output_tokens", as_lengths(self.output_tokens))
        if self.arrival not in ARRIVALS:
            raise InvalidInputError(f"arrival mode must be one of {', '.join(ARRIVALS)}, not {self.arrival!r}")
        if self.arrival == CLOSED and not (isinstance(self.concurrency, int) and 1 <= self.concurrency <= 1_000_000):
            raise InvalidInputError(f"concurrency must be a whole number from 1 to 1,000,000, not {self.concurrency!r}")
        if self.arrival == OPEN and not (math.isfinite(self.rate_per_s) and 0 < self.rate_per_s <= 1e6):
            raise InvalidInputError(f"request rate must be a positive number of requests/s, not {self.rate_per_s!r}")
        if not (math.isfinite(self.think_time_s) and 0 <= self.think_time_s <= 86400):
            raise InvalidInputError(f"think time must be from 0 to 86,400 s, not {self.think_time_s!r}")
        if not (isinstance(self.requests, int) and 1 <= self.requests <= MAX_REQUESTS):
            raise InvalidInputError(f"requests must be a whole number from 1 to {MAX_REQUESTS:,}, not {self.requests!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InvalidInputError(f"seed must be a whole number of at least 0, not {self.seed!r}")

    @property
    def mean_context(self) -> float:
        """Tokens a request holds on average while it decodes."""
        return self.input_tokens.mean + 0.5 * self.output_tokens.mean


@dataclass(frozen=True)
class ServingBuild:
    """The build and engine a model is served on. ``tp`` fixes the tensor-parallel size of each replica (None:
    chosen automatically); ``slots`` is llama.cpp's number of parallel slots; ``max_seqs`` / ``token_budget``
    override the engine's running-request limit and tokens per step (None: the engine's defaults)."""

    arch: ModelArch
    system: SystemSpec
    weight_precision: Precision
    kv_precision: Precision
    engine: Engine
    efficiency: EngineEfficiency | Efficiency | None
    tp: int | None = None
    slots: int | None = None
    compute: str | None = None
    max_seqs: int | None = None  # the engine's running-request limit (None: its default)
    token_budget: int | None = None  # tokens per step (None: its default)


@dataclass(frozen=True)
class Layout:
    """One replica = ``tp`` GPUs in tensor parallel x ``pp`` sequential stages; ``replicas`` data-parallel
    copies that share nothing. llama.cpp splits layers: tp 1, pp = its GPUs."""

    tp: int
    pp: int
    replicas: int

    @property
    def gpus_per_replica(self) -> int:
        return self.tp * self.pp

    def __str__(self) -> str:
        shape = f"TP{self.tp}" + (f" x {self.pp} stages" if self.pp > 1 else "")
        return f"{shape} x {self.replicas} replica{'s' if self.replicas != 1 else ''}"


@dataclass(frozen=True)
class ServingResult:
    """System figures of one build under one workload. Speeds are None when the model does not fit."""

    fits: bool
    layout: Layout | None
    engine_id: str
    arrival: str
    system_output_tokens_per_s: float | None  # all output tokens / time from the first arrival to the last answer
    per_user_tokens_per_s_p50: float | None
    per_user_tokens_per_s_p5: float | None  # the slowest 5% of users
    ttft_s_p50: float | None
    ttft_s_p95: float | None
    ttft_s_p99: float | None
    tpot_s_p50: float | None
    tpot_s_p95: float | None
    concurrency_admitted: int  # most requests running at once, summed over replicas
    mean_concurrency: float
    kv_capacity_tokens: int  # all replicas
    kv_capacity_tokens_per_replica: int
    requests_per_s: float | None
    goodput_requests_per_s: float | None  # requests/s meeting the service level (None without one)
    meets_slo: bool | None
    bound: str | None  # one of BOUNDS
    time_shares: dict[str, float]  # compute / bandwidth / overhead shares of step time, kv_blocked share of time
    requests_served: int
    requests_rejected: int
    preemptions: int
    makespan_s: float
    extrapolated: bool
    estimated: bool  # closed-form estimate, not the simulation
    notes: tuple[str, ...] = field(default_factory=tuple)
    # output tokens/s over the middle 80% of the run (no ramp-up, no drain): what a long benchmark reports
    steady_output_tokens_per_s: float | None = None


@dataclass(frozen=True)
class SloResult:
    """Does the build meet the service level at the asked load, how far can the load go, what breaks it."""

    result: ServingResult  # at the asked load
    meets_slo: bool
    max_concurrency: int | None  # closed loop: most users that still meet it (0: none)
    max_rate_per_s: float | None  # open loop: highest request rate that still meets it (0.0: none)
    binding: str | None  # what breaks it just beyond the maximum (one of BOUNDS)
    failing_metric: str | None  # "ttft" or "tpot" (or "both") just beyond the maximum
    at_limit: ServingResult | None  # the result at the largest load that meets it
    notes: tuple[str, ...] = field(default_factory=tuple)
