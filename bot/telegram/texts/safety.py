"""Crisis resources as the learner reads them."""

from __future__ import annotations

from bot.safety.resources import CrisisResources


def crisis_block(resources: CrisisResources) -> str:
    """The crisis resources for the learner's country, as /help and the distress reply show."""
    emergency = resources.emergency or "your local emergency number"
    lines = "\n".join(f"• {line}" for line in resources.lines)
    return f"<b>If you or someone else is in immediate danger, call {emergency} now.</b>\n{lines}"


def crisis_reply(resources: CrisisResources) -> str:
    """The answer to a message that may come from someone in crisis: calm, short, now."""
    return (
        "Thank you for telling me. You don't have to go through this alone, and people "
        f"can help right now.\n\n{crisis_block(resources)}\n\n"
        "I'm a learning bot, so I can't respond to emergencies or talk this through with "
        "you. Your lessons will be here whenever you want to come back."
    )
