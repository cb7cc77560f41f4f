"""fair quizzes and spaced review: each quiz poll remembers the order its options were
shown in, so an answer maps back to the lesson's own option

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Polls sent before this revision showed file order: an empty order means exactly that.
    with op.batch_alter_table("quizpoll", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "option_order",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("quizpoll", schema=None) as batch_op:
        batch_op.drop_column("option_order")
