"""sender lease: one elected worker sends; what is in flight names the worker sending it

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=200), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        _owner("owner", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(_owner("sender"))
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.add_column(_owner("sender"))


def downgrade() -> None:
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_column("sender")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("sender")
    op.drop_table("lease")
