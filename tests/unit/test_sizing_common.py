"""Shared helpers for the sizing tests: parts read straight from the reference CSVs (no catalog build needed)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from configurator.catalog.sources import read_rows
from configurator.core.parts import Engine, EngineEfficiency, Gpu, ModelArch
from configurator.core.sizing import standard_precision
from configurator.core.system import SystemSpec, default_intra_link

ROOT = Path(__file__).resolve().parents[2]
DB = ROOT / "db"


@lru_cache(maxsize=None)
def _gpus() -> dict[str, Gpu]:
    out = {}
    for name, sellable in (("gpus.csv", True), ("gpus_reference.csv", False)):
        path = DB / name
        if path.exists():
            for row in read_rows(path, Gpu, {"sellable": sellable}):
                row.setdefault("notes", "")
                out[row["id"]] = Gpu(**row)
    return out


@lru_cache(maxsize=None)
def _models() -> dict[str, ModelArch]:
    return {r["id"]: ModelArch(**r) for r in read_rows(DB / "models.csv", ModelArch)}


def gpu(gpu_id: str) -> Gpu:
    return _gpus()[gpu_id]


def model(model_id: str) -> ModelArch:
    return _models()[model_id]


def all_models() -> list[ModelArch]:
    return list(_models().values())


def all_gpus() -> list[Gpu]:
    return list(_gpus().values())


def prec(pid: str):
    return standard_precision(pid)


def system(gpu_id: str, gpus: int = 1, nodes: int = 1, **kw) -> SystemSpec:
    g = gpu(gpu_id)
    return SystemSpec(g, gpus_per_node=gpus, nodes=nodes, intra_link=kw.pop("intra_link", default_intra_link(g)), **kw)


LLAMACPP = Engine("llama.cpp", "llama.cpp", "layer", 1.0, True, "test")
VLLM = Engine("vllm", "vLLM", "tp", 0.9, True, "test")
TRTLLM = Engine("trtllm", "TensorRT-LLM", "tp", 0.9, True, "test")
EFF = EngineEfficiency("llama.cpp", "*", 0.8, 0.4, 0.4, 20.0, "test", "test")


def test_reference_csvs_load():
    assert gpu("h200-sxm").bandwidth_tb_s == 4.8
    assert model("llama-3.1-70b").layers == 80
