"""Persistence: SQLModel tables, the engine, and the queries (``bot.store.queries``)."""
