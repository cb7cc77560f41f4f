"""The typed callback context: handlers reach the services through one property."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, ParamSpec, TypeVar

from telegram import Update
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    filters,
)

from bot.config import Settings
from bot.metrics import Metrics
from bot.services import Services
from bot.telegram import routes
from bot.telegram.writes import short_read, short_write

SERVICES_KEY = "attune.services"
METRICS_KEY = "attune.metrics"
SETTINGS_KEY = "attune.settings"
P = ParamSpec("P")
T = TypeVar("T")


class AttuneContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus ``services``, so no handler digs in ``bot_data`` by string."""

    async def write(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service call that writes without blocking the loop behind another writer:
        on the loop when the database is free, in a thread when it is not (``writes``)."""
        return await short_write(self.services.db, partial(call, *args, **kwargs))

    async def read(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service call that only reads: on the loop on SQLite, in a thread on a
        database server, where every statement is a network round trip (``writes``)."""
        return await short_read(self.services.db, partial(call, *args, **kwargs))

    @property
    def metrics(self) -> Metrics:
        """This worker's Prometheus metrics and heartbeat."""
        return metrics_of(self.application)

    @property
    def settings(self) -> Settings:
        """The settings the application was built with."""
        settings: Settings = self.application.bot_data[SETTINGS_KEY]
        return settings

    @property
    def services(self) -> Services:
        """The services this application was built with."""
        return services_of(self.application)


def attach_services(
    application: Application[Any, Any, Any, Any, Any, Any], services: Services
) -> None:
    """Make ``services`` available to every handler and job of ``application``."""
    application.bot_data[SERVICES_KEY] = services


def attach_worker(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings, metrics: Metrics
) -> None:
    """Make the settings and the metrics available to every handler, job and the server."""
    application.bot_data[SETTINGS_KEY] = settings
    application.bot_data[METRICS_KEY] = metrics


def metrics_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Metrics:
    """The metrics attached to ``application``."""
    metrics: Metrics = application.bot_data[METRICS_KEY]
    return metrics


def services_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The services attached to ``application`` (for code outside a callback)."""
    services: Services = application.bot_data[SERVICES_KEY]
    return services


AttuneApplication = Application[Any, AttuneContext, Any, Any, Any, Any]
PRIVATE = filters.ChatType.PRIVATE
Handler = Callable[[Update, AttuneContext], Coroutine[Any, Any, None]]


def add_commands(application: AttuneApplication, commands: dict[str, Handler]) -> None:
    """Register private-chat commands, one handler each."""
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))


def add_buttons(application: AttuneApplication, callback: Handler, *kinds: type) -> None:
    """Register ``callback`` for buttons whose callback data decodes to one of ``kinds``."""
    application.add_handler(CallbackQueryHandler(callback, pattern=routes.matches(*kinds)))
