"""`configurator size` refuses absurd numbers with one line (exit 2) instead of printing nonsense."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("args", [
    ["--context", "99999999999"],
    ["--users", "5000000"],
    ["--gpus", "100000"],
    ["--prompt", "1e12"],
    ["--mode", "lora", "--tokens", "1e30"],
    ["--mode", "full", "--seq", "1000000000"],
])
def test_absurd_numbers_exit_2_with_one_line(args, catalog_path):
    env = {**os.environ, "CONFIGURATOR_CATALOG": str(catalog_path)}
    proc = subprocess.run([sys.executable, "-m", "configurator", "size", "--model", "llama-3.1-8b",
                           "--gpu", "h100-sxm", *args], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert args[-2].lstrip("-") in lines[0]
