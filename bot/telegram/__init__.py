"""The Telegram edge: the only package that imports ``telegram``.

Leaves first: ``context`` (the typed callback context), ``texts`` (every user-facing
word), ``keyboards`` and ``team_keyboards`` (buttons as values), ``writes`` (database
writes that never block the loop behind another writer) and ``update_order``. Then
``sending`` (lessons and announcements out, at most once per part), ``handlers`` (one
module per feature, thin), ``jobs`` (the scheduled tick) and ``app``, which wires it all.
Nothing here imports upward; ``tests/unit/test_layering.py`` keeps it so.
"""
