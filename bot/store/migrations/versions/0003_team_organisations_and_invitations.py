"""organisations and invitations: teams rank only within their organisation; a pending
join remembers when it was asked for, so it can close

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("org_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_team_org_code"), ["org_code"], unique=False)
    # Pending joins from before this revision have no time: they count as closed, and
    # whoever was joining sends /join again (a fresh invitation is one command away).
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("requested_at")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_org_code"))
        batch_op.drop_column("org_code")
