"""Settings shared by every test."""

from __future__ import annotations

import pytest
from hypothesis import settings

# Property tests check rules, not speed: Hypothesis' per-example deadline (200 ms) fails
# them on a loaded CI machine. Speed claims live in bench/.
settings.register_profile("attune", deadline=None)
settings.load_profile("attune")


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta durations; the int form warns, and warnings are errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
