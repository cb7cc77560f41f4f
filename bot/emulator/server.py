"""The aiohttp application: Bot API routes, file downloads and the control API.

Routes:
    POST|GET /bot<token>/<method>     the Bot API, answered from the shared ``World``
    GET      /file/bot<token>/<path>  downloads for getFile
    POST     /_emulator/<op>          control operations with a JSON body of keyword args
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator import api_core, api_files, api_messages, api_polls
from bot.emulator.decoding import Params, decode_request
from bot.emulator.errors import ApiError, EmulatorError
from bot.emulator.models import RequestRecord
from bot.emulator.world import World

if TYPE_CHECKING:
    from bot.emulator.emulator import BotApiEmulator

Handler = Callable[[World, Params], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {
    name.lower(): handler
    for module in (api_core, api_messages, api_polls, api_files)
    for name, handler in module.HANDLERS.items()
}
CONTROL_OPS = frozenset(
    {
        "add_user",
        "send_message",
        "press_button",
        "answer_poll",
        "react",
        "block_bot",
        "unblock_bot",
        "create_group",
        "add_bot_to_group",
        "remove_bot_from_group",
        "delete_chat",
        "add_fault",
        "clear_faults",
        "set_latency",
        "pause",
        "resume",
        "messages",
        "bot_messages",
        "last_bot_message",
        "polls",
        "poll",
        "callback_answers",
        "download",
        "commands",
        "requests",
        "wait_for_bot_messages",
        "wait_until_delivered",
        "info",
    }
)
EMULATOR_KEY: web.AppKey[BotApiEmulator] = web.AppKey("emulator")
MAX_BODY = 60 * 1024 * 1024
UNAUTHORIZED = ApiError(401, "Unauthorized")


def _fault_chat_id(params: Params) -> int | None:
    try:
        return int(params.raw["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


async def _run_method(world: World, method: str, params: Params) -> Any:
    """Latency, injected faults, then the real handler."""
    latency = world.method_latency.get(method.lower(), world.latency)
    if latency:
        await asyncio.sleep(latency)
    fault = world.faults.take(method, _fault_chat_id(params))
    if fault is not None:
        raise fault
    handler = HANDLERS.get(method.lower())
    if handler is None:
        # 400, not 404: PTB maps 404 to InvalidToken.
        raise ApiError(400, f"Bad Request: method {method} not found")
    return await handler(world, params)


async def bot_api(request: web.Request) -> web.Response:
    world = request.app[EMULATOR_KEY].world
    method = request.match_info["method"]
    if request.match_info["token"] != world.token:
        return web.json_response(UNAUTHORIZED.envelope(), status=401)
    record = RequestRecord(method, {}, time.time())
    world.request_log.append(record)
    counted = method.lower() != "getupdates"
    world.in_flight += counted
    world.touch()
    params = Params({})
    try:
        params = await decode_request(request)
        status, body = 200, {"ok": True, "result": await _run_method(world, method, params)}
    except ApiError as exc:
        status, body = exc.status, exc.envelope()
        record.description = exc.description
    finally:
        world.in_flight -= counted
        world.touch()
    record.params, record.status = params.logged(), status
    return web.json_response(body, status=status)


async def download(request: web.Request) -> web.Response:
    world = request.app[EMULATOR_KEY].world
    if request.match_info["token"] != world.token:
        return web.json_response(UNAUTHORIZED.envelope(), status=401)
    file_id = request.match_info["path"].rsplit("/", 1)[-1].split(".", 1)[0]
    stored = world.files.get(file_id)
    if stored is None:
        return web.json_response(ApiError(404, "Not Found").envelope(), status=404)
    content_type = stored.mime_type or "application/octet-stream"
    return web.Response(body=stored.data, content_type=content_type)


def to_jsonable(value: Any) -> Any:
    """Control results (dataclasses, lists of them) as plain JSON."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    return value


async def control(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    op = request.match_info["op"]
    if op not in CONTROL_OPS:
        return web.json_response({"ok": False, "description": f"unknown op {op}"}, status=404)
    kwargs = await request.json() if request.can_read_body else {}
    try:
        result = getattr(emulator, op)(**kwargs)
        if inspect.isawaitable(result):
            result = await result
    except (EmulatorError, TypeError, KeyError) as exc:
        return web.json_response({"ok": False, "description": str(exc)}, status=400)
    except TimeoutError as exc:
        return web.json_response({"ok": False, "description": str(exc)}, status=408)
    return web.json_response({"ok": True, "result": to_jsonable(result)})


def build_app(emulator: BotApiEmulator) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[EMULATOR_KEY] = emulator
    app.router.add_route("*", r"/bot{token:[^/]+}/{method}", bot_api)
    app.router.add_get(r"/file/bot{token:[^/]+}/{path:.+}", download)
    app.router.add_post("/_emulator/{op}", control)
    return app
