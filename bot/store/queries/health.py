"""The cheapest question a database can answer, for health checks."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def select_one(connection: Connection) -> None:
    """``SELECT 1``: raises if the database cannot be reached or cannot answer."""
    connection.execute(text("SELECT 1")).one()
