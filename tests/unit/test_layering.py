"""The layers stay honest: only the Telegram edge imports telegram, and the emulator
imports nothing of ours (it stands for Telegram)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
TELEGRAM_FREE = ["learning", "store", "content", "services"]
PURE = ["learning"]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((BOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", TELEGRAM_FREE)
def test_no_telegram_below_the_edge(package: str) -> None:
    for path in modules(package):
        bad = {m for m in imports(path) if m == "telegram" or m.startswith("telegram.")}
        assert not bad, f"{path.relative_to(BOT)} imports {bad}"


@pytest.mark.parametrize("package", PURE)
def test_pure_rules_do_no_io(package: str) -> None:
    forbidden = {
        "sqlmodel",
        "sqlalchemy",
        "bot.store",
        "bot.services",
        "bot.clock",
        "os",
        "pathlib",
    }
    for path in modules(package):
        bad = {m for m in imports(path) if any(m == f or m.startswith(f + ".") for f in forbidden)}
        assert not bad, f"{path.relative_to(BOT)} imports {bad}"
        assert "datetime.now" not in path.read_text(), f"{path.name} reads the clock"


def test_the_emulator_imports_nothing_of_ours() -> None:
    for path in modules("emulator"):
        ours = {
            m for m in imports(path) if m.startswith("bot.") and not m.startswith("bot.emulator")
        }
        assert not ours, f"{path.relative_to(BOT)} imports {ours}"
