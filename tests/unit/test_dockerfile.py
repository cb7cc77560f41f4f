"""The Dockerfile passes hadolint and starts the bot the way the tests do.

Our machines have no Docker daemon, so the image is checked statically: lint, and the
install and start commands it runs are the ones the test suite exercises.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.fail("hadolint is not installed: pip install -e '.[test]'")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_installs_and_starts_with_the_tested_commands() -> None:
    assert 'pip install --no-cache-dir "./[postgres]"' in DOCKERFILE, "SQLite or PostgreSQL"
    assert 'CMD ["attune", "run"]' in DOCKERFILE
    assert 'CMD ["attune", "health"]' in DOCKERFILE
    assert "attune lessons check /app/lessons" in DOCKERFILE


def test_runs_as_a_non_root_user_with_data_on_a_volume() -> None:
    assert "USER 10001:10001" in DOCKERFILE
    assert 'VOLUME ["/data"]' in DOCKERFILE
    assert "ATTUNE_DATABASE_URL=sqlite:////data/attune.db" in DOCKERFILE
