"""Several named workloads per build (no Qt): the build model's list, the build file (schema 2 with
"workloads", schema 1 with the old single "workload" still read and still written where it suffices), and the
analysis that sizes and checks every workload while the charts' sweeps follow the selected one."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from configurator.core import buildfile
from configurator.core.analysis import SizingCache, analyze
from configurator.core.buildfile import BuildFileError, dumps, loads, to_dict
from configurator.core.errors import InvalidInputError
from configurator.core.workload import (
    INFERENCE, MAX_NAME_CHARS, MAX_WORKLOADS, TRAINING, InferenceWorkload, NamedWorkload, TrainingWorkload, Workload,
)
from configurator.present.sentences import distinct_titles, workload_line, workloads_fit
from tests.conftest import ROOT

EXAMPLES = ROOT / "resources" / "examples"
WS = EXAMPLES / "ws-2x-rtxpro6000-maxq.json"  # 2 x 96 GB; inference of 70B Q4 for 4 users
QLORA_70B = Workload(kind=TRAINING, training=TrainingWorkload(mode="qlora", model_id="llama-3.1-70b", tokens=2e7))
FULL_70B = Workload(kind=TRAINING, training=TrainingWorkload(mode="full", model_id="llama-3.1-70b"))


@pytest.fixture
def ws(catalog):
    return buildfile.load(WS, catalog)


def _events(build):
    seen = []
    build.subscribe(lambda e: seen.append((e.section, e.action)))
    return seen


# -- the build model ------------------------------------------------------------------------------------------
def test_a_new_build_has_one_unnamed_workload_and_workload_is_the_selected_one(catalog, ws):
    assert len(ws.workloads) == 1 and ws.workloads[0].name == "" and ws.selected_workload == 0
    first = ws.workload
    seen = _events(ws)
    assert ws.add_workload(QLORA_70B, name="QLoRA 70B") == 1
    assert ws.selected_workload == 1 and ws.workload == QLORA_70B and seen[-1] == ("workloads", "added")
    ws.set_workload(replace(QLORA_70B, training=replace(QLORA_70B.training, seq_len=2048)))
    assert seen[-1] == ("workload", "set") and ws.workloads[1].name == "QLoRA 70B"  # the name stays
    assert ws.workloads[0].workload == first and ws.workloads[1].workload.training.seq_len == 2048
    ws.select_workload(0)
    assert ws.workload == first and seen[-1] == ("workloads", "set")


def test_add_remove_rename_are_checked(ws):
    ws.add_workload(QLORA_70B, name="  QLoRA\n70B  ")
    assert ws.workloads[1].name == "QLoRA 70B"  # one line, trimmed
    with pytest.raises(InvalidInputError, match="already named"):
        ws.add_workload(FULL_70B, name="qlora 70b")
    with pytest.raises(InvalidInputError, match="already named"):
        ws.rename_workload(0, "QLORA 70B")
    with pytest.raises(InvalidInputError, match="at most 80 characters"):
        ws.rename_workload(0, "x" * (MAX_NAME_CHARS + 1))
    with pytest.raises(InvalidInputError, match="no workload 5"):
        ws.select_workload(5)
    ws.rename_workload(1, "")  # unnamed again
    assert ws.workloads[1].name == ""
    while len(ws.workloads) < MAX_WORKLOADS:
        ws.add_workload()
    with pytest.raises(InvalidInputError, match=f"at most {MAX_WORKLOADS} workloads"):
        ws.add_workload()
    while len(ws.workloads) > 1:
        ws.remove_workload(0)
    with pytest.raises(InvalidInputError, match="at least one workload"):
        ws.remove_workload(0)


def test_removing_keeps_the_selection_on_the_same_workload(ws):
    ws.add_workload(QLORA_70B, name="b")
    ws.add_workload(FULL_70B, name="c")
    ws.select_workload(2)
    ws.remove_workload(0)  # before the selected one: the selection follows "c"
    assert ws.workloads[ws.selected_workload].name == "c"
    ws.remove_workload(1)  # the selected, last one: its neighbour is selected
    assert ws.workloads[ws.selected_workload].name == "b" and len(ws.workloads) == 1


# -- the build file -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_one_unnamed_workload_is_still_written_as_schema_1(catalog, example):
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    data = to_dict(loads(text, catalog))
    assert data["schema"] == 1 and "workload" in data and "workloads" not in data and "selected_workload" not in data


def test_two_workload_round_trip(catalog, ws, tmp_path):
    ws.add_workload(QLORA_70B, name="QLoRA 70B later")
    ws.select_workload(0)
    path = buildfile.save(ws, tmp_path / "two.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == buildfile.SCHEMA_VERSION == 2 and "workload" not in data
    assert [w.get("name") for w in data["workloads"]] == [None, "QLoRA 70B later"]  # unnamed: no name key
    assert data["workloads"][1]["kind"] == "training" and data["selected_workload"] == 0
    again = buildfile.load(path, catalog)
    assert again.workloads == ws.workloads and again.selected_workload == 0
    assert dumps(again) == dumps(ws)


def test_a_named_single_workload_needs_schema_2(catalog, ws):
    ws.rename_workload(0, "Team chat")
    data = to_dict(ws)
    assert data["schema"] == 2 and data["workloads"][0]["name"] == "Team chat"
    assert loads(json.dumps(data), catalog).workloads[0].name == "Team chat"


def test_an_old_schema_1_file_opens_with_its_workload(catalog):
    data = json.loads(WS.read_text(encoding="utf-8"))
    assert data["schema"] == 1
    build = loads(json.dumps(data), catalog)
    assert len(build.workloads) == 1 and build.workload.inference.users == data["workload"]["inference"]["users"]


def _schema2(**changes) -> dict:
    data = json.loads(WS.read_text(encoding="utf-8"))
    one = data.pop("workload")
    data.update(schema=2, workloads=[one, {"name": "QLoRA", **one, "kind": "training"}], selected_workload=1)
    data.update(changes)
    return data


@pytest.mark.parametrize("changes, message", [
    ({"workloads": {"kind": "inference"}}, "$.workloads: an object is not a list of workloads"),
    ({"workloads": []}, "$.workloads: is empty: a build has at least one workload"),
    ({"workloads": [{}] * (MAX_WORKLOADS + 1)}, f"more than the limit of {MAX_WORKLOADS} (MAX_WORKLOADS)"),
    ({"workloads": [{"name": "A"}, {"name": "a"}]}, "$.workloads[1].name: 'a' is also the name of workload 0"),
    ({"workloads": [{"name": ["x"]}]}, "$.workloads[0].name: a list is not text"),
    ({"workloads": [{"name": "x" * 81}]}, "$.workloads[0].name: a workload name has at most 80 characters"),
    ({"workloads": [{"kind": "inference", "inference": {"users": 0}}]}, "$.workloads[0].inference.users: 0 is less"),
    ({"workloads": [{"kind": "inference", "colour": "red"}]}, "$.workloads[0].colour: unknown key"),
    ({"workloads": [3]}, "$.workloads[0]: 3 is not an object"),
    ({"selected_workload": 2}, "$.selected_workload: 2 is more than the limit of 1"),
    ({"selected_workload": "1"}, "$.selected_workload: \"1\" is not a whole number"),
    ({"workload": {"kind": "inference"}}, "either one \"workload\" or a \"workloads\" list, not both"),
])
def test_a_corrupt_workloads_list_is_named_by_its_path(catalog, changes, message):
    with pytest.raises(BuildFileError) as caught:
        loads(json.dumps(_schema2(**changes)), catalog, source="b.json")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_selected_workload_without_a_list_is_an_error(catalog):
    data = json.loads(WS.read_text(encoding="utf-8"))
    data["selected_workload"] = 0
    with pytest.raises(BuildFileError, match="no \"workloads\" list to select from"):
        loads(json.dumps(data), catalog)


def test_a_newer_schema_is_refused(catalog):
    with pytest.raises(BuildFileError, match="reads up to version 2"):
        loads(json.dumps(_schema2(schema=3)), catalog)


# -- the analysis ---------------------------------------------------------------------------------------------
def test_every_workload_is_sized_and_checked(catalog, ws):
    ws.add_workload(QLORA_70B, name="QLoRA 70B", select=False)
    ws.add_workload(FULL_70B, select=False)
    a = analyze(ws, catalog)
    assert [w.title for w in a.workloads] == ["Llama 3.1 70B inference", "QLoRA 70B", "Llama 3.1 70B full fine-tune"]
    assert [w.fits for w in a.workloads] == [True, True, False] and a.fitting_count == 2
    assert workloads_fit(a) == "2 of 3 workloads fit"
    # the selected one carries the charts' sweeps and is what .inference/.training mean
    assert a.selected == 0 and a.inference is a.workloads[0].inference and a.inference.decode is not None
    assert a.workloads[1].training.sweep is None and a.workloads[2].training.sweep is None
    # the full fine-tune's error blocks the build and names its workload
    errors = [f for f in a.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["WORKLOAD_DOES_NOT_FIT"]
    assert errors[0].message.startswith("Llama 3.1 70B full fine-tune: Training Llama 3.1 70B does not fit")
    assert a.workloads[2].findings[0].message.startswith("Training Llama 3.1 70B")  # its own, unprefixed
    assert workload_line(a.workloads[2]).startswith("Llama 3.1 70B full fine-tune: does not fit, ")
    assert "over by" in workload_line(a.workloads[2])
    assert workload_line(a.workloads[1]).startswith("QLoRA 70B: fits, ")

    ws.select_workload(2)
    b = analyze(ws, catalog)
    assert b.training is b.workloads[2].training and b.training.sweep is not None and b.inference is None
    assert b.workloads[0].inference.decode is None
    # the same figures whichever workload is selected
    assert b.workloads[0].inference.result.per_user_tokens_per_s == a.workloads[0].inference.result.per_user_tokens_per_s
    assert [f.message for f in b.findings] == [f.message for f in a.findings]


def test_one_workload_findings_are_unprefixed(catalog):
    build = buildfile.load(EXAMPLES / "ws-2x-rtxpro6000-maxq.json", catalog)
    build.set_workload(FULL_70B)
    a = analyze(build, catalog)
    fit = next(f for f in a.findings if f.code == "WORKLOAD_DOES_NOT_FIT")
    assert fit.message.startswith("Training Llama 3.1 70B does not fit")


def test_the_cache_sizes_other_workloads_once_while_the_selected_one_is_edited(catalog, ws):
    ws.add_workload(QLORA_70B, select=False)
    ws.add_workload(FULL_70B, select=False)
    cache = SizingCache()
    first = analyze(ws, catalog, cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)
    for users in range(5, 15):  # a slider drag over the selected (inference) workload
        ws.set_workload(replace(ws.workload, inference=replace(ws.workload.inference, users=users)))
        later = analyze(ws, catalog, cache=cache)
    assert (cache.hits, cache.misses) == (20, 2)
    assert later.workloads[1] is first.workloads[1]  # not recomputed
    assert later.inference.users == 14
    # a change of the hardware changes the system: every workload is sized again
    ws.set_nodes(1)  # same as before: same system, still cached
    analyze(ws, catalog, cache=cache)
    assert cache.misses == 2
    ws.remove(ws.gpus[-1].gpu.id)
    analyze(ws, catalog, cache=cache)
    assert cache.misses == 4


def test_an_unsizable_build_gives_each_workload_the_reason(catalog):
    from configurator.core.configuration import Build

    build = Build(catalog)
    build.add_workload(QLORA_70B)
    a = analyze(build, catalog)
    assert [w.fits for w in a.workloads] == [None, None]
    assert all(w.sizing_problem == "Add a GPU to size the workload." for w in a.workloads)
    assert workloads_fit(a) == "0 of 2 workloads fit"


def test_unnamed_titles_are_distinct():
    assert distinct_titles(["Llama inference", "Llama inference", "x"]) == ["Llama inference",
                                                                          "Llama inference (2)", "x"]


def test_duplicated_workloads_get_distinct_titles(catalog, ws):
    ws.add_workload(ws.workload)
    a = analyze(ws, catalog)
    assert [w.title for w in a.workloads] == ["Llama 3.1 70B inference", "Llama 3.1 70B inference (2)"]


def test_imported_models_of_every_workload_travel_with_the_file(catalog):
    from configurator.core.buildfile.models import with_models

    arch = replace(catalog.model("llama-3.1-8b"), id="my-8b", name="My 8B", source="config.json")
    extended = with_models(catalog, [arch])
    build = buildfile.load(WS, extended)
    build.add_workload(Workload(kind=INFERENCE, inference=InferenceWorkload(model_id="my-8b")), name="mine")
    data = to_dict(build)
    assert [m["id"] for m in data["models"]] == ["my-8b"]
    again = loads(json.dumps(data), catalog)
    assert again.workloads[1].workload.inference.model_id == "my-8b"


def test_put_workloads_refuses_what_add_refuses(ws):
    with pytest.raises(InvalidInputError):
        ws.put_workloads([])
    with pytest.raises(InvalidInputError, match="same name"):
        ws.put_workloads([NamedWorkload("a"), NamedWorkload("A")])
    with pytest.raises(InvalidInputError):
        ws.put_workloads([NamedWorkload("a")], selected=1)
    before = copy.deepcopy(to_dict(ws))
    assert to_dict(ws) == before


def test_a_training_workload_that_is_not_selected_still_asks_for_a_nic_per_gpu(catalog):
    data = json.loads((EXAMPLES / "cluster-4x8-h100.json").read_text(encoding="utf-8"))
    assert data["workload"]["kind"] == "training"
    data["network"] = [{"id": "nic-cx7-ndr-400g", "quantity": 4}]  # 4 NICs for 8 GPUs per node
    build = loads(json.dumps(data), catalog)
    codes = [f.code for f in analyze(build, catalog).findings]
    assert "NIC_PER_GPU" in codes
    build.add_workload(Workload(kind=INFERENCE))  # selected: an inference workload is shown
    assert "NIC_PER_GPU" in [f.code for f in analyze(build, catalog).findings]
    build.remove_workload(0)  # no workload trains any more
    assert "NIC_PER_GPU" not in [f.code for f in analyze(build, catalog).findings]
