"""Every shipped lesson and quiz is accepted by the Bot API exactly as the bot sends it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode, PollType

from bot.content.loader import load_library
from bot.emulator import BotApiEmulator
from bot.telegram import texts

LESSONS = Path(__file__).resolve().parents[2] / "lessons"  # the shipped lessons
TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKEN12345"
READER = 4001


@pytest.fixture
async def bot() -> AsyncIterator[tuple[Bot, BotApiEmulator]]:
    emulator = BotApiEmulator(TOKEN)
    await emulator.start()
    emulator.add_user(READER, "Reader")
    try:
        async with Bot(TOKEN, base_url=emulator.base_url) as client:
            yield client, emulator
    finally:
        await emulator.stop()


async def test_every_lesson_and_quiz_is_accepted(bot: tuple[Bot, BotApiEmulator]) -> None:
    client, emulator = bot
    library = load_library(LESSONS, datetime.now(UTC).date())
    for lesson in library.lessons.values():
        text = texts.lesson_message(
            lesson, library.sources_for(lesson), library.tracks[lesson.track_id].title, False
        )
        await client.send_message(
            READER, text, parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )  # fmt: skip
        for question in lesson.questions:
            await client.send_poll(
                READER, question.text, list(question.options), is_anonymous=False,
                type=PollType.QUIZ, correct_option_ids=[question.correct_index],
                explanation=question.explanation,
            )  # fmt: skip
    sent = emulator.bot_messages(READER)
    assert len(sent) == len(library.lessons) * 3
