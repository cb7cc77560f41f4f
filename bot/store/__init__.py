"""Persistence: SQLModel tables and the engine."""
