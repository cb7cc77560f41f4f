"""The layers stay honest: only the Telegram edge imports telegram, nothing imports
upward, and the emulator imports nothing of ours (it stands for Telegram)."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
TELEGRAM_FREE = ["learning", "store", "content", "services", "safety", "charts"]
PURE = ["learning"]

# Each module belongs to the first (longest) prefix that matches; a module may import
# only modules of its own rank or below. Entry points sit on top and may use anything.
RANKS = {
    "bot.limits": 0, "bot.clock": 0, "bot.config": 0, "bot.health": 0, "bot.metrics": 0,
    "bot.learning": 1, "bot.content": 1, "bot.safety": 1, "bot.charts": 1,
    "bot.store": 2,
    "bot.services": 3,
    "bot.telegram.context": 4, "bot.telegram.texts": 4, "bot.telegram.keyboards": 4,
    "bot.telegram.team_keyboards": 4, "bot.telegram.writes": 4,
    "bot.telegram.update_order": 4, "bot.telegram.routes": 4,
    "bot.telegram.sending": 5,
    "bot.telegram.handlers": 6, "bot.telegram.jobs": 6,
    "bot.telegram.app": 7, "bot.telegram": 7,
    "bot.cli": 8, "bot.runner": 8, "bot.demo": 8, "bot.__main__": 8,
}  # fmt: skip
EMULATOR = "bot.emulator"


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    as_path = BOT.parent / name.replace(".", "/")
    return as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists()


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports; ``from bot import x`` counts as ``bot.x`` when x is
    a module, so the short form cannot hide an upward import."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            submodules = {name for name in submodules if is_module(name)}
            found.update(submodules or {node.module})
    return found


def ours(path: Path) -> set[str]:
    """The bot modules ``path`` imports."""
    return {name for name in imports(path) if name.startswith("bot") and is_module(name)}


def rank(module: str) -> int | None:
    if module == "bot":
        return RANKS["bot.cli"]  # the package's own (empty) __init__
    matches = [prefix for prefix in RANKS if module == prefix or module.startswith(prefix + ".")]
    return RANKS[max(matches, key=len)] if matches else None


def modules(package: str = "") -> list[Path]:
    paths = sorted((BOT / package).rglob("*.py"))
    return [p for p in paths if "migrations" not in p.parts]


def test_every_module_has_a_place_in_the_layers() -> None:
    unplaced = [
        module_name(p)
        for p in modules()
        if not module_name(p).startswith(EMULATOR) and rank(module_name(p)) is None
    ]
    assert not unplaced, f"add these to RANKS: {unplaced}"


def test_no_module_imports_upward() -> None:
    upward = []
    for path in modules():
        name = module_name(path)
        if name.startswith(EMULATOR) or rank(name) is None:
            continue
        for target in ours(path):
            target_rank = rank(target)
            if target.startswith(EMULATOR) and rank(name) == 8:
                continue  # the demo starts the emulator
            if target_rank is None or target_rank > rank(name):  # type: ignore[operator]
                upward.append(f"{name} -> {target}")
    assert not upward, upward


def test_handlers_reach_the_database_only_through_services() -> None:
    forbidden = ("bot.store", "sqlalchemy", "sqlmodel")
    for path in modules("telegram/handlers") + modules("telegram/sending"):
        bad = {m for m in imports(path) if m.startswith(forbidden)}
        assert not bad, f"{module_name(path)} imports {bad}"


def test_jobs_and_sending_do_not_import_handlers() -> None:
    for path in modules("telegram/sending") + [BOT / "telegram" / "jobs.py"]:
        bad = {m for m in ours(path) if m.startswith("bot.telegram.handlers")}
        assert not bad, f"{module_name(path)} imports {bad}"


@pytest.mark.parametrize("package", TELEGRAM_FREE)
def test_no_telegram_below_the_edge(package: str) -> None:
    for path in modules(package):
        bad = {m for m in imports(path) if m == "telegram" or m.startswith("telegram.")}
        assert not bad, f"{path.relative_to(BOT)} imports {bad}"


def test_only_the_edge_and_the_emulator_import_telegram() -> None:
    for path in modules():
        name = module_name(path)
        if name.startswith(("bot.telegram", EMULATOR)):
            continue
        bad = {m for m in imports(path) if m == "telegram" or m.startswith("telegram.")}
        assert not bad, f"{name} imports {bad}"


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
        found = {m for m in ours(path) if not m.startswith(EMULATOR)}
        assert not found, f"{path.relative_to(BOT)} imports {found}"


def test_the_checker_catches_an_upward_import_written_as_from_bot_import(
    tmp_path: Path,
) -> None:
    probe = BOT / "services" / "_layering_probe.py"
    probe.write_text("from bot.telegram import texts\nfrom bot import demo\n")
    try:
        assert ours(probe) == {"bot.telegram.texts", "bot.demo"}
        with pytest.raises(AssertionError, match="bot.services._layering_probe -> bot.demo"):
            test_no_module_imports_upward()
    finally:
        probe.unlink()


def test_services_do_not_lean_on_each_other() -> None:
    """Each service owns its transactions: services share only the base class and the
    profile values, never another service (which would share its session)."""
    allowed = {"bot.services.base", "bot.services.profiles"}
    for path in modules("services"):
        name = module_name(path)
        if name == "bot.services":
            continue  # the package wires every service together
        leaning = {
            m for m in ours(path) if m.startswith("bot.services.") and m not in allowed | {name}
        }
        assert not leaning, f"{name} imports {leaning}"


# -- handlers write through context.write -------------------------------------------------
# Every service method that writes, by service. A handler may name one only as the first
# argument of ``context.write`` (which runs it on the loop when the database is free, in a
# thread when it is not), never call it directly on the event loop.
WRITES = {
    "learners": {"start", "expect", "toggle_track", "confirm_tracks", "set_time",
                 "set_zone", "set_days", "begin_custom_days", "toggle_day", "pause",
                 "resume", "stop", "mark_blocked"},
    "deliveries": {"today", "choose", "claim_due", "unfinished", "record"},
    "answers": {"record"},
    "privacy": {"erase"},
    "teams": {"create", "request_join", "answer_consent", "leave", "close",
              "make_facilitator", "remove_member", "rename", "rotate_code", "link_group",
              "organisation", "join_organisation"},
    "challenges": {"start", "stop", "choose", "due_broadcasts"},
    "announcements": {"draft", "send_now", "schedule", "cancel", "due",
                      "next_recipients", "mark_sending", "settle",
                      "finish_if_done"},
}  # fmt: skip


def _service_of(node: ast.expr, aliases: dict[str, str], roots: set[str]) -> str | None:
    """The service ``node`` stands for: ``context.services.teams``, ``s.teams`` where
    ``s = context.services``, or a local ``teams = context.services.teams``."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if not isinstance(node, ast.Attribute) or node.attr not in WRITES:
        return None
    owner = node.value
    if isinstance(owner, ast.Attribute) and owner.attr == "services":
        return node.attr
    return node.attr if isinstance(owner, ast.Name) and owner.id in roots else None


def direct_writes(source: str) -> list[str]:
    """``service.method(...)`` calls of a write method not made through ``context.write``;
    as ``line: service.method``."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        aliases: dict[str, str] = {}
        roots: set[str] = set()
        for node in ast.walk(function):  # local names for the services, first
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                names = [t.elts if isinstance(t, ast.Tuple) else [t] for t in targets]
                for target_names in names:
                    for target, value in zip(target_names, values, strict=False):
                        if not isinstance(target, ast.Name):
                            continue
                        if isinstance(value, ast.Attribute) and value.attr == "services":
                            roots.add(target.id)
                        elif (service := _service_of(value, {}, roots)) is not None:
                            aliases[target.id] = service
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            service = _service_of(node.func.value, aliases, roots)
            if service is not None and node.func.attr in WRITES[service]:
                found.append(f"{node.lineno}: {service}.{node.func.attr}")
    return found


def test_handlers_write_through_context_write() -> None:
    """A write called on the event loop blocks every learner behind another writer."""
    offenders = [
        f"{module_name(path)}:{where}"
        for path in modules("telegram/handlers")
        for where in direct_writes(path.read_text())
    ]
    assert not offenders, offenders


def test_the_write_check_finds_each_way_a_handler_reaches_a_service() -> None:
    source = """
async def handler(update, context):
    context.services.teams.create(1, "x")
    teams = context.services.teams
    teams.rename(1, 2, "y")
    s = context.services
    s.challenges.stop(1, 2)
    learners, other = context.services.learners, 3
    learners.expect(1, None)
    await context.write(context.services.teams.leave, 1, 2)
    await context.write(teams.close, 1, 2)
    context.services.teams.teams_of(1)
    teams.members(1, 2)
"""
    assert direct_writes(source) == [
        "3: teams.create", "5: teams.rename", "7: challenges.stop", "9: learners.expect"
    ]  # fmt: skip


def test_every_listed_write_is_a_method_of_its_service() -> None:
    """A renamed method would otherwise drop out of the check without a sound."""
    from bot.services import Services

    classes = typing.get_type_hints(Services)
    for service, methods in WRITES.items():
        missing = {m for m in methods if not callable(getattr(classes[service], m, None))}
        assert not missing, f"{service}: {missing}"
