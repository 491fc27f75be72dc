"""The code base stays ruff clean (lint rules in pyproject.toml)."""

import shutil
import subprocess

import pytest

from bot.config import PROJECT_ROOT


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it comes with the [test] extra)")
    result = subprocess.run([ruff, "check", "."], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
