"""The shipped example builds judge as their names say, through the core and through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from configurator.core.configuration import to_system_spec
from configurator.core.buildfile import load
from configurator.core.rules import check, has_errors
from configurator.core.rules.memory import ram_gb, vram_gb
from tests.unit.test_build_helpers import EXAMPLES, codes

VALID = ["ws-2x-rtxpro6000-maxq.json", "hgx-8x-h200.json", "hgx-8x-b200.json", "cluster-4x8-h100.json"]
INVALID = {  # file -> error codes it must have
    "ws-4x-rtxpro6000-we-overpowered.json": {"WALL_CIRCUIT", "OPEN_AIR_STACK"},
    "invalid-sxm-6gpu.json": {"SXM_BOARD_COUNT"},
}


def test_the_examples_are_all_there():
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted([*VALID, *INVALID])


@pytest.mark.parametrize("name", VALID)
def test_valid_examples_have_no_error_and_are_complete(catalog, name):
    build = load(EXAMPLES / name, catalog)
    findings = check(build)
    assert not has_errors(findings), [(f.code, f.message) for f in findings if f.severity == "error"]
    assert build.chassis and build.platform and build.psus and build.storage and build.memory
    assert ram_gb(build) >= 2 * vram_gb(build)
    assert {i.part.kind for i in build.services} >= {"burn_in", "warranty"}
    if build.on_board:
        assert build.network, "servers ship with network cards"
    to_system_spec(build)  # the sizing view exists


def test_example_contents(catalog):
    ws = load(EXAMPLES / "ws-2x-rtxpro6000-maxq.json", catalog)
    assert ws.platform.socket == "sWRX9" and dict(ws.gpu_counts()) == {"rtx-pro-6000-maxq": 2}
    assert (ws.workload.inference.model_id, ws.workload.inference.precision) == ("llama-3.1-70b", "q4_k_m")
    hot = load(EXAMPLES / "ws-4x-rtxpro6000-we-overpowered.json", catalog)
    assert dict(hot.gpu_counts()) == {"rtx-pro-6000-we": 4} and hot.circuit.volts == 120
    cluster = to_system_spec(load(EXAMPLES / "cluster-4x8-h100.json", catalog))
    assert (cluster.gpu.id, cluster.nodes, cluster.gpus_per_node, cluster.nics_per_node) == ("h100-sxm", 4, 8, 8)
    nics = load(EXAMPLES / "cluster-4x8-h100.json", catalog).network
    assert any(i.part.id == "nic-cx7-ndr-400g" and i.quantity == 8 for i in nics)
    assert to_system_spec(load(EXAMPLES / "hgx-8x-h200.json", catalog)).gpu.id == "h200-sxm"
    assert to_system_spec(load(EXAMPLES / "hgx-8x-b200.json", catalog)).gpu.id == "b200-sxm"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_examples_fail_as_stated(catalog, name):
    findings = check(load(EXAMPLES / name, catalog))
    assert INVALID[name] <= codes(findings, "error"), [(f.severity, f.code) for f in findings]


def _cli(catalog_path, *args):
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(catalog_path)}
    return subprocess.run([sys.executable, "-m", "configurator", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_cli_check_exit_codes_and_json(catalog_path):
    ok = _cli(catalog_path, "check", str(EXAMPLES / "hgx-8x-b200.json"), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    bad = _cli(catalog_path, "check", str(EXAMPLES / "invalid-sxm-6gpu.json"), "--json")
    assert bad.returncode == 1, bad.stderr
    data = json.loads(bad.stdout)
    assert data["ok"] is False
    assert all(set(f) == {"severity", "code", "message", "parts"} for f in data["findings"])
    assert {"severity": "error", "code": "SXM_BOARD_COUNT"}.items() <= data["findings"][0].items()
    plain = _cli(catalog_path, "check", str(EXAMPLES / "ws-4x-rtxpro6000-we-overpowered.json"))
    assert plain.returncode == 1 and "WALL_CIRCUIT" in plain.stdout and "NOT OK" in plain.stdout


def test_cli_price_json(catalog_path):
    run = _cli(catalog_path, "price", str(EXAMPLES / "cluster-4x8-h100.json"), "--json", "--tax", "8.25")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    lines = data["lines"]
    net = sum(Decimal(l["total"]) for l in lines)  # line totals are after their discount
    assert net == Decimal(data["subtotal"]) - Decimal(data["discount"])
    assert net + Decimal(data["tax"]) == Decimal(data["total"])
    assert next(l for l in lines if l["id"] == "h100-sxm")["quantity"] == 32
    bad = _cli(catalog_path, "price", str(EXAMPLES / "hgx-8x-b200.json"), "--discount", "150")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
