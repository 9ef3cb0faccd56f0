"""Compatibility rules: every check of DESIGN.md section 3, as findings with a stable code.

``check(build)`` runs them all. Thresholds come from the catalog (db/rule_params.csv, circuits.csv)
through ``build.param``; see docs/build-file.md for the list of codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from configurator.core.rules import (
    completeness, connectors, drives, memory, memory_population, network, physical, power, slots, topology,
)
from configurator.core.rules.findings import ERROR, INFO, SEVERITIES, WARNING, Finding

if TYPE_CHECKING:
    from configurator.core.configuration import Build

RULES = [*completeness.RULES, *physical.RULES, *power.RULES, *memory.RULES,
         # issue 18: positions and totals across parts
         *slots.RULES, *topology.RULES, *memory_population.RULES, *drives.RULES, *network.RULES,
         *connectors.RULES]


def check(build: "Build") -> list[Finding]:
    """All findings, errors first, then warnings, then info (stable order within a severity)."""
    found = [f for rule in RULES for f in rule(build)]
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


__all__ = ["check", "has_errors", "Finding", "ERROR", "WARNING", "INFO", "SEVERITIES"]
