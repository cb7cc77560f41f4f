"""updates handled: a taken update names its worker and says when it was handled

A webhook update is answered only once it has been handled. A worker that dies while
handling one leaves it taken but unhandled, with its name on it; Telegram re-sends it, and
once that worker's own lease has run out another worker handles it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
    # Rows from before were handled (or lost) long ago: mark them handled.
    op.execute("UPDATE processed_update SET handled_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_column("handled_at")
        batch_op.drop_column("owner")
