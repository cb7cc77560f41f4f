"""sendPoll and stopPoll with Bot API 10.0 validation and PTB 22.8's required fields."""

from __future__ import annotations

from typing import Any

from bot.emulator.api_messages import new_bot_message
from bot.emulator.decoding import Params
from bot.emulator.entities import parse_text
from bot.emulator.errors import bad_request
from bot.emulator.models import JSON, PollState
from bot.emulator.validation import validate_reply_markup
from bot.emulator.world import World

MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS, MAX_OPTIONS = 2, 12
MAX_EXPLANATION = 200
MAX_OPEN_PERIOD = 2_628_000


def _options(p: Params) -> list[str]:
    """Options may be InputPollOption objects or plain strings."""
    raw = p.json("options")
    if not isinstance(raw, list):
        raise bad_request("can't parse options JSON object")
    texts = [str(o.get("text", "")) if isinstance(o, dict) else str(o) for o in raw]
    if not MIN_OPTIONS <= len(texts) <= MAX_OPTIONS:
        raise bad_request("POLL_ANSWERS_INVALID")
    if any(not 1 <= len(text) <= MAX_OPTION for text in texts):
        raise bad_request("POLL_OPTION_LENGTH_INVALID")
    return texts


def _correct_ids(p: Params, option_count: int) -> list[int]:
    ids: Any = p.json("correct_option_ids")
    if ids is None and p.int("correct_option_id") is not None:
        ids = [p.int("correct_option_id")]
    if not isinstance(ids, list) or not ids:
        raise bad_request("wrong parameter correct_option_ids for quiz")
    if any(not isinstance(i, int) or not 0 <= i < option_count for i in ids):
        raise bad_request("POLL_CORRECT_OPTION_INVALID")
    return sorted(set(ids))


def _explanation(p: Params) -> tuple[str | None, list[JSON]]:
    raw = p.str("explanation")
    if raw is None:
        return None, []
    mode = p.str("explanation_parse_mode")
    text, entities = parse_text(raw, mode, p.json("explanation_entities"))
    if len(text) > MAX_EXPLANATION or text.count("\n") > 2:
        raise bad_request(
            "EXPLANATION_TOO_LONG"
            if len(text) > MAX_EXPLANATION
            else "explanation can contain at most 2 line feeds"
        )
    return text, entities


def _closing(world: World, p: Params) -> tuple[int | None, int | None]:
    open_period, close_date = p.int("open_period"), p.int("close_date")
    if open_period is not None and close_date is not None:
        raise bad_request("open_period and close_date can't be used together")
    if open_period is not None and not 5 <= open_period <= MAX_OPEN_PERIOD:
        raise bad_request("wrong open_period specified")
    if close_date is not None and not 5 <= close_date - world.now() <= MAX_OPEN_PERIOD:
        raise bad_request("wrong close_date specified")
    return open_period, close_date


def _poll_state(world: World, p: Params, chat_id: int) -> PollState:
    question = p.str("question") or ""
    if not 1 <= len(question) <= MAX_QUESTION:
        raise bad_request("POLL_QUESTION_INVALID")
    options = _options(p)
    kind = p.str("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    multiple = p.bool("allows_multiple_answers")
    correct = _correct_ids(p, len(options)) if kind == "quiz" else []
    if kind == "quiz" and len(correct) > 1 and not multiple:
        raise bad_request("POLL_CORRECT_OPTION_INVALID")
    explanation, explanation_entities = _explanation(p)
    open_period, close_date = _closing(world, p)
    return PollState(
        id=world.new_id("poll"),
        chat_id=chat_id,
        message_id=world.next_message_id(chat_id),
        question=question,
        options=options,
        type=kind,
        is_anonymous=p.bool("is_anonymous", default=True),
        allows_multiple_answers=multiple,
        allows_revoting=p.bool("allows_revoting", default=kind != "quiz"),
        correct_option_ids=correct,
        explanation=explanation,
        explanation_entities=explanation_entities,
        open_period=open_period,
        close_date=close_date,
        is_closed=p.bool("is_closed"),
        opened_at=world.now(),
    )


async def send_poll(world: World, p: Params) -> JSON:
    chat = world.sendable_chat(p.chat_id())
    poll = _poll_state(world, p, chat.id)
    markup = validate_reply_markup(p.json("reply_markup"))
    world.polls[poll.id] = poll
    message = new_bot_message(world, chat.id, poll_id=poll.id, reply_markup=markup)
    return world.message_api(message)


async def stop_poll(world: World, p: Params) -> JSON:
    chat_id = p.chat_id()
    message = world.message(chat_id, p.int("message_id", required=True) or 0)
    if not message.poll_id or not message.from_bot:
        raise bad_request("message with poll to stop not found")
    poll = world.polls[message.poll_id]
    if poll.is_closed:
        raise bad_request("poll has already been closed")
    poll.is_closed = True
    markup = validate_reply_markup(p.json("reply_markup"))
    if p.has("reply_markup"):
        message.reply_markup = markup
    world.updates.push("poll", poll.to_api())
    return poll.to_api()


HANDLERS = {"sendPoll": send_poll, "stopPoll": stop_poll}
