"""Safety: noticing distress in what a learner types, and the crisis resources to show.

Attune is education, not a crisis service; when a message suggests crisis it answers at
once with resources for the learner's country and nothing else.
"""
