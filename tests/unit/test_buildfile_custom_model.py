"""A custom architecture in the build file: saved only when used, checked with JSON paths."""

from __future__ import annotations

import json

import pytest

from configurator.core import buildfile
from configurator.core.buildfile import BuildFileError
from tests.conftest import ROOT

EXAMPLE = ROOT / "resources" / "examples" / "ws-2x-rtxpro6000-maxq.json"


def _with_custom(custom: dict, model_id: str = "custom") -> str:
    data = json.loads(EXAMPLE.read_text())
    data["workload"]["inference"]["model_id"] = model_id
    data["workload"]["custom"] = custom
    return json.dumps(data)


def test_custom_model_loads(catalog):
    build = buildfile.loads(_with_custom({"name": "Acme 30B", "params_b": 30, "layers": 60, "hidden": 6656,
                                          "heads": 52, "kv_heads": 8, "head_dim": 128}), catalog)
    assert build.workload.custom.name == "Acme 30B" and build.workload.custom.layers == 60
    assert buildfile.to_dict(build)["workload"]["custom"]["params_b"] == 30


@pytest.mark.parametrize("bad,path", [
    ({"layers": -4}, "$.workload.custom.layers"),
    ({"params_b": 0}, "$.workload.custom.params_b"),
    ({"hidden": "big"}, "$.workload.custom.hidden"),
    ({"colour": "red"}, "$.workload.custom.colour"),
    ({"hidden": 64, "kv_heads": 64, "head_dim": 128}, "$.workload.custom.kv_heads"),
])
def test_bad_custom_model_names_the_field(catalog, bad, path):
    with pytest.raises(BuildFileError) as info:
        buildfile.loads(_with_custom(bad), catalog)
    assert path in str(info.value)


def test_catalog_models_do_not_write_the_custom_block(catalog):
    build = buildfile.load(EXAMPLE, catalog)
    assert "custom" not in buildfile.to_dict(build)["workload"]
