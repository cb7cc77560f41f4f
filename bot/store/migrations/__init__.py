"""Alembic migrations for Attune's schema (run through ``bot.store.schema``)."""
