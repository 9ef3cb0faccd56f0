"""Fuzzing the build-file loader (hypothesis): whatever the bytes, ``buildfile.loads`` returns a Build or
raises BuildFileError (a ConfiguratorError) whose message is one non-empty line. Nothing else escapes.

Three sources of input: arbitrary JSON documents, documents shaped like a build file (the real top-level
keys with arbitrary values), and mutations of the shipped examples (a value replaced, a key removed or
added, bytes flipped, inserted, deleted or cut off).
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.core.configuration import ITEM_SECTIONS, KINDS, Build
from configurator.core.buildfile import BuildFileError, loads
from configurator.core.buildfile.file_format import TOP_KEYS
from configurator.core.errors import ConfiguratorError
from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.json"))
EXAMPLE_BYTES = [p.read_bytes() for p in EXAMPLES]
EXAMPLE_DATA = [json.loads(b) for b in EXAMPLE_BYTES]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])

# Numbers a person could type, and the absurd ones a hand edit or a bit flip produces.
numbers = st.one_of(
    st.integers(min_value=-3, max_value=20),
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30, -(10**30)]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-320, 1e308, 0.5, 1.5]),
)
ids = st.sampled_from(["h200-sxm", "rtx-pro-6000-maxq", "chassis-hgx-h100-8gpu", "plat-epyc-9554-sp5-2s",
                       "psu-crps-3000w", "llama-3.1-70b", "fp8", "vllm", "svc-burnin-48h", "nope", ""])
texts = st.one_of(ids, st.text(max_size=12), st.sampled_from(["inference", "training", "lora", "tp", "\n", "\x00"]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)
entries = st.lists(
    st.one_of(st.fixed_dictionaries({"id": ids}, optional={"quantity": numbers, "slot": numbers}), json_values),
    max_size=4,
)


def check(raw: bytes | str, catalog) -> None:
    try:
        build = loads(raw, catalog, source="fuzz.json")
    except ConfiguratorError as exc:
        assert isinstance(exc, BuildFileError), type(exc)
        message = str(exc)
        assert message.strip(), "empty message"
        assert "\n" not in message and "\r" not in message, f"message is not one line: {message!r}"
        assert exc.problems and all(p.strip() for p in exc.problems)
    else:
        assert isinstance(build, Build)


@FUZZ
@given(value=json_values)
def test_any_json_document(catalog, value):
    check(json.dumps(value).encode(), catalog)


@FUZZ
@given(
    kind=st.one_of(st.sampled_from(KINDS), json_values),
    fields=st.fixed_dictionaries(
        {},
        optional={
            **{key: json_values for key in TOP_KEYS if key not in ("schema", "kind")},
            "gpus": entries,
            **{section: entries for section in ITEM_SECTIONS},
            "workload": st.fixed_dictionaries({}, optional={
                "kind": st.one_of(st.sampled_from(["inference", "training"]), json_values),
                "inference": st.dictionaries(st.sampled_from(["model_id", "precision", "kv_precision", "users",
                                                              "context_tokens", "engine", "parallel", "x"]),
                                             scalars, max_size=4),
                "training": st.dictionaries(st.sampled_from(["mode", "model_id", "tokens", "mfu", "zero_stage",
                                                             "optimizer", "lora_rank", "x"]), scalars, max_size=4),
            }),
        },
    ),
    schema=st.one_of(st.just(1), numbers, json_values),
)
def test_documents_shaped_like_a_build_file(catalog, kind, fields, schema):
    check(json.dumps({"schema": schema, "kind": kind, **fields}).encode(), catalog)


def _paths(value, prefix=()):
    """Every path (tuple of keys/indexes) into a JSON value, the root included."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


def _mutate(doc, path, action, new_value, new_key):
    if not path:
        return new_value if action == "replace" else doc
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = new_value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[new_key] = new_value
    else:
        parent.insert(last, new_value)
    return doc


@FUZZ
@given(data=st.data(), which=st.integers(min_value=0, max_value=len(EXAMPLES) - 1),
       steps=st.integers(min_value=1, max_value=3))
def test_mutated_examples(catalog, data, which, steps):
    doc = json.loads(EXAMPLE_BYTES[which])
    for _ in range(steps):
        paths = list(_paths(doc))
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        doc = _mutate(doc, path, action, data.draw(json_values), data.draw(texts))
    check(json.dumps(doc).encode(), catalog)


@FUZZ
@given(data=st.data(), which=st.integers(min_value=0, max_value=len(EXAMPLES) - 1))
def test_byte_damaged_examples(catalog, data, which):
    raw = bytearray(EXAMPLE_BYTES[which])
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = data.draw(st.integers(min_value=0, max_value=max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
        elif op == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        elif op == "delete":
            del raw[at:at + data.draw(st.integers(min_value=1, max_value=8))]
        else:
            del raw[at:]
    check(bytes(raw), catalog)


def test_the_examples_themselves_load(catalog):
    for raw in EXAMPLE_BYTES:
        check(raw, catalog)
