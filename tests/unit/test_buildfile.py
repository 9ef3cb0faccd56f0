"""The build file: round trip, atomic save, and a clear one-line error for every malformed kind."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from configurator.core.buildfile import SCHEMA_VERSION, BuildFileError, dumps, load, loads, save
from configurator.core.workload import TRAINING
from tests.unit.test_build_helpers import CLUSTER, EXAMPLES, WORKSTATION, make


def _doc(**changes) -> bytes:
    data = copy.deepcopy(WORKSTATION)
    data.update(changes)
    return json.dumps(data).encode()


def _gpus_with(**entry) -> list:
    return [{"id": "rtx-pro-6000-maxq", "slot": 1}, {"id": "rtx-pro-6000-maxq", "slot": 3},
            {"id": "rtx-pro-6000-maxq", **entry}]


GOOD = _doc()
# kind -> (file bytes, text the one-line message must contain)
MALFORMED = {
    "empty": (b"", "the file is empty"),
    "blank": (b"  \n\t ", "the file is empty"),
    "truncated": (GOOD[: len(GOOD) // 2], "looks truncated"),
    "not-utf8": (b'{"schema": 1, "notes": "caf\xe9"}', "is not UTF-8 text"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not UTF-8 text"),
    "not-an-object": (b"[1, 2, 3]", "$: a build file holds a JSON object"),
    "no-schema": (b'{"kind": "workstation"}', "$.schema: missing"),
    "schema-text": (b'{"schema": "1", "kind": "workstation"}', "$.schema: \"1\" is not a schema version"),
    "future-schema": (_doc(schema=SCHEMA_VERSION + 1), f"$.schema: version {SCHEMA_VERSION + 1} was written by a newer"),
    "unknown-kind": (_doc(kind="spaceship"), "$.kind: \"spaceship\" is not a build kind"),
    "unknown-id": (_doc(platform="plat-does-not-exist"), "$.platform: unknown part id 'plat-does-not-exist'"),
    "reference-gpu": (_doc(gpus=[{"id": "rtx-3090", "slot": 1}]), "$.gpus[0].id: 'rtx-3090' is a reference GPU"),
    "wrong-kind-id": (_doc(psus=[{"id": "rtx-4090"}]), "$.psus[0].id: 'rtx-4090' is a GPU, not a PSU"),
    "negative": (_doc(gpus=_gpus_with(quantity=-1)), "$.gpus[2].quantity: -1 is negative"),
    "absurd": (_doc(memory=[{"id": "ram-ddr5-rdimm-64gb", "quantity": 10**9}]),
               "$.memory[0].quantity: 1000000000 is more than the limit of 1024"),
    "fraction": (_doc(storage=[{"id": "nvme-samsung-990pro-2tb", "quantity": 1.5}]),
                 "$.storage[0].quantity: 1.5 is not a whole number"),
    "quantity-text": (_doc(psus=[{"id": "psu-atx-1600w", "quantity": "2"}]),
                      "$.psus[0].quantity: \"2\" is not a whole number"),
    "slot-text": (_doc(gpus=_gpus_with(slot="top")), "$.gpus[2].slot: \"top\" is not a whole number"),
    "slot-quantity": (_doc(gpus=_gpus_with(slot=5, quantity=2)), "$.gpus[2].slot: a slot holds one card"),
    "list-expected": (_doc(network={"id": "nic-cx7-400gbe"}), "$.network: an object is not a list"),
    "unknown-key": (_doc(colour="blue"), "$.colour: unknown key"),
    "nodes-outside-cluster": (_doc(nodes=3), "$.nodes: 3 is more than the limit of 1"),
    "unknown-model": (_doc(workload={"inference": {"model_id": "gpt-9"}}),
                      "$.workload.inference.model_id: unknown model id 'gpt-9'"),
    "bad-engine": (_doc(workload={"inference": {"engine": "magic"}}), "$.workload.inference.engine: 'magic' is not one"),
    "negative-users": (_doc(workload={"inference": {"users": -3}}), "$.workload.inference.users: -3 is negative"),
    "mfu-above-1": (_doc(workload={"kind": "training", "training": {"mfu": 4}}), "utilisation above 1"),
    "nan": (GOOD.replace(b'"quantity": 1}', b'"quantity": NaN}', 1), "NaN is not a number JSON allows"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_each_problem_is_named_with_its_json_path(catalog, kind):
    raw, expected = MALFORMED[kind]
    with pytest.raises(BuildFileError) as info:
        loads(raw, catalog, source="b.json")
    message = str(info.value)
    assert "\n" not in message and message.startswith("b.json: ")
    assert expected in message, message


def test_all_problems_are_listed(catalog):
    raw = _doc(colour="x", psus=[{"id": "nope", "quantity": -2}], notes=7)
    with pytest.raises(BuildFileError) as info:
        loads(raw, catalog)
    assert info.value.problems == ["$.colour: unknown key", "$.notes: 7 is not text",
                                   "$.psus[0].id: unknown part id 'nope'", "$.psus[0].quantity: -2 is negative"]


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory, catalog_path):
    """Run `configurator check` on every malformed file at once (the CLI start dominates the time)."""
    folder = tmp_path_factory.mktemp("malformed")
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(catalog_path)}
    procs = {}
    for kind, (raw, _) in {**MALFORMED, "missing-file": (None, "")}.items():
        path = folder / f"{kind}.json"
        if raw is not None:
            path.write_bytes(raw)
        procs[kind] = subprocess.Popen([sys.executable, "-m", "configurator", "check", str(path)], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return {kind: (p.wait(timeout=120), *p.communicate()) for kind, p in procs.items()}


@pytest.mark.parametrize("kind", [*MALFORMED, "missing-file"])
def test_cli_exits_2_with_one_readable_line(cli_results, kind):
    code, out, err = cli_results[kind]
    assert code == 2, (out, err)
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("configurator check: error: "), err
    assert f"{kind}.json" in lines[0]
    if kind == "missing-file":
        assert "cannot read the file" in lines[0]
    else:
        assert MALFORMED[kind][1] in lines[0]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_examples_round_trip_unchanged(catalog, example):
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    assert dumps(loads(text, catalog)) == text


def test_save_and_load_keep_everything(catalog, tmp_path):
    build = make(catalog, CLUSTER, name="Ü-cluster", notes="Rack B, row 3\nsecond line")
    path = save(build, tmp_path / "c.json")
    again = load(path, catalog)
    assert (again.kind, again.nodes, again.name, again.notes) == ("cluster", 4, "Ü-cluster", "Rack B, row 3\nsecond line")
    assert again.workload.kind == TRAINING and again.workload.training.model_id == "llama-3.1-70b"
    assert [(p.gpu.id, p.slot) for p in again.gpus] == [(p.gpu.id, p.slot) for p in build.gpus]
    assert dumps(again) == dumps(build)
    assert json.loads(path.read_text())["gpus"] == [{"id": "b200-sxm", "quantity": 8}]
    assert os.listdir(tmp_path) == ["c.json"]  # no temporary file left behind


def test_slots_are_kept_and_missing_slots_filled(catalog):
    build = make(catalog, WORKSTATION, gpus=[{"id": "rtx-pro-6000-maxq", "slot": 5}, {"id": "rtx-pro-6000-maxq"}])
    assert [p.slot for p in build.gpus] == [1, 5]


def test_a_failed_save_leaves_the_old_file_whole(catalog, tmp_path, monkeypatch):
    path = tmp_path / "b.json"
    build = make(catalog, WORKSTATION)
    save(build, path)
    before = path.read_bytes()
    build.set_notes("changed")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(BuildFileError, match="No space left"):
        save(build, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["b.json"]


def test_impossible_but_well_formed_builds_load(catalog):
    """Compatibility is the rules' job: a 6-GPU HGX board or overlapping cards still load."""
    build = load(EXAMPLES / "invalid-sxm-6gpu.json", catalog)
    assert build.gpus_per_node == 6
    overlap = make(catalog, WORKSTATION, gpus=[{"id": "rtx-pro-6000-maxq", "slot": 1},
                                               {"id": "rtx-pro-6000-maxq", "slot": 2}])
    assert [p.slot for p in overlap.gpus] == [1, 2]
