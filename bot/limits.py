"""The limits Telegram imposes, in one place.

The content validator checks lessons against them at load time, so a lesson that would
be rejected by ``sendPoll`` never reaches a learner; the Telegram edge uses them to split
long texts and to keep callback data short.
"""

MESSAGE_TEXT = 4096
CALLBACK_DATA_BYTES = 64
POLL_QUESTION = 300
POLL_OPTION = 100
POLL_EXPLANATION = 200
POLL_EXPLANATION_LINE_FEEDS = 2
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 10  # Telegram now allows 12; ten keeps one-tap quizzes readable.


def telegram_length(text: str) -> int:
    """Count characters the way Telegram does: in UTF-16 code units.

    An emoji outside the Basic Multilingual Plane counts as two, so a Python ``len`` would
    let a lesson through that Telegram then rejects.
    """
    return len(text.encode("utf-16-le")) // 2
