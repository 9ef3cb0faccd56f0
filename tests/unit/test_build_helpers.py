"""Builds for the build/rules/pricing tests, written as build-file dicts (no test in this module).

``workstation()`` and ``sxm_server()`` respect every rule; a test changes one thing to break one rule.
"""

from __future__ import annotations

import copy
from pathlib import Path

from configurator.core.buildfile import from_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
SERVICES = [{"id": "svc-burnin-48h"}, {"id": "svc-warranty-3y-parts"}]

WORKSTATION = {
    "schema": 1,
    "kind": "workstation",
    "chassis": "chassis-tower-ws",
    "platform": "plat-tr-pro-9975wx-wrx90",
    "gpus": [{"id": "rtx-pro-6000-maxq", "slot": 1}, {"id": "rtx-pro-6000-maxq", "slot": 5}],
    "psus": [{"id": "psu-atx-1600w", "quantity": 1}],
    "memory": [{"id": "ram-ddr5-rdimm-64gb", "quantity": 8}],
    "storage": [{"id": "nvme-samsung-9100pro-4tb", "quantity": 1}],
    "services": SERVICES,
}

SXM_SERVER = {
    "schema": 1,
    "kind": "sxm_server",
    "chassis": "chassis-hgx-b200-8gpu",
    "platform": "plat-epyc-9555-sp5-2s",
    "gpus": [{"id": "b200-sxm", "quantity": 8}],
    "psus": [{"id": "psu-crps-3300w", "quantity": 6}],
    "memory": [{"id": "ram-ddr5-rdimm-128gb", "quantity": 24}],
    "storage": [{"id": "nvme-micron-7450pro-1920gb", "quantity": 2}],
    "network": [{"id": "nic-cx7-ndr-400g", "quantity": 8}],
    "services": SERVICES,
}

CLUSTER = {**copy.deepcopy(SXM_SERVER), "kind": "cluster", "nodes": 4,
           "workload": {"kind": "training", "training": {"mode": "full", "model_id": "llama-3.1-70b"}}}


def make(catalog, base: dict, **changes):
    """A Build from ``base`` with top-level keys replaced (None removes a key)."""
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return from_dict(data, catalog)


def codes(findings, severity: str | None = None) -> set[str]:
    return {f.code for f in findings if severity is None or f.severity == severity}
