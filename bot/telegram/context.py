"""The typed callback context: handlers reach the services through one property."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services

SERVICES_KEY = "attune.services"


class AttuneContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus ``services``, so no handler digs in ``bot_data`` by string."""

    @property
    def services(self) -> Services:
        """The services this application was built with."""
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services


def attach_services(
    application: Application[Any, Any, Any, Any, Any, Any], services: Services
) -> None:
    """Make ``services`` available to every handler and job of ``application``."""
    application.bot_data[SERVICES_KEY] = services
