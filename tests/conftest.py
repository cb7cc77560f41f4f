"""Settings shared by every test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta durations; the int form warns, and warnings are errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
