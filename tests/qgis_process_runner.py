"""Runs scripts/qgis-process in a subprocess for end-to-end tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "qgis-process"


def qgis_process(*args, env=None, timeout=600):
    """Run ``scripts/qgis-process ARGS`` with the venv running the tests; CompletedProcess."""
    full_env = dict(os.environ)
    full_env.setdefault("S2CF_VENV", sys.prefix)
    full_env.update(env or {})
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          env=full_env, timeout=timeout, check=False)


def run_algorithm(algorithm, params, env=None):
    """``--json run ALGORITHM -- NAME=value ...`` with ``params`` a list of (name, value).
    Returns (returncode, parsed JSON or None, combined output)."""
    args = ["--json", "run", algorithm, "--"] + [f"{k}={v}" for k, v in params]
    proc = qgis_process(*args, env=env)
    output = proc.stdout + proc.stderr
    parsed = None
    if "{" in proc.stdout:
        try:
            parsed = json.loads(proc.stdout[proc.stdout.index("{"):])
        except ValueError:
            parsed = None
    return proc.returncode, parsed, output
