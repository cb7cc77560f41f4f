"""The order a learner sees a question's options in: shuffled, but the same every time.

Lesson files list the key in whatever place the author put it (option 2 in 42% of the
library's questions), so a learner who learns the place instead of the point scores well
for nothing. Each learner gets each question's options in an order drawn from
``(learner, occasion, question)``: a lesson shown again (/today) keeps its order, a review
of the same question on another day gets a fresh one, and two learners differ.

The seed is SHA-256, never Python's ``hash()``, which is salted per process: an order must
survive a restart, since the stored answer is mapped back through it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

# Two bytes per draw: the bias of ``value % n`` is at most n / 65536, under 0.02% for
# the ten options Telegram allows.
_BYTES_PER_DRAW = 2


def option_order(learner_id: int, occasion: str, question_id: str, n: int) -> tuple[int, ...]:
    """The lesson's option indices in the order shown: ``order[position] = option``.

    ``occasion`` names the showing (``"d12"`` for delivery 12, ``"r7.…"`` for a review of
    item 7), so the same showing always yields the same order.
    """
    seed = f"{learner_id}\x1f{occasion}\x1f{question_id}".encode()
    digest = hashlib.sha256(seed).digest()
    order = list(range(n))
    for step, last in enumerate(range(n - 1, 0, -1)):
        chunk = digest[step * _BYTES_PER_DRAW : (step + 1) * _BYTES_PER_DRAW]
        pick = int.from_bytes(chunk, "big") % (last + 1)
        order[last], order[pick] = order[pick], order[last]
    return tuple(order)


def shown_options(options: Sequence[str], order: Sequence[int]) -> list[str]:
    """The option texts in display order."""
    return [options[index] for index in order]


def position_of(order: Sequence[int], option: int) -> int:
    """Where lesson option ``option`` is shown (the key's place for ``correct_option_ids``)."""
    return list(order).index(option)


def option_at(order: Sequence[int], position: int) -> int:
    """The lesson option shown at ``position``: what a vote at that place chose."""
    return order[position]


def encode(order: Sequence[int]) -> str:
    """Store an order on a poll row: ``"2,0,1"``."""
    return ",".join(str(index) for index in order)


def decode(stored: str, n: int) -> tuple[int, ...]:
    """Read a stored order; an empty one (a poll sent before shuffling) is file order."""
    if not stored:
        return tuple(range(n))
    return tuple(int(part) for part in stored.split(","))


def delivery_occasion(delivery_id: int) -> str:
    """The occasion of a lesson's own quiz: its delivery."""
    return f"d{delivery_id}"


def review_occasion(item_id: int, due: datetime) -> str:
    """The occasion of a review: the item and the due instant it is asked for, so a review
    asked again before it is answered keeps its order and the next one gets a new one."""
    return f"r{item_id}.{int(due.timestamp())}"
