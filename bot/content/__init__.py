"""Lessons: their schema (``model``) and the loader that validates YAML files (``loader``)."""
