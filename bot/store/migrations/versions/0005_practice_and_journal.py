"""practice commitments and a private journal: "I'll try it" and its follow-up, private
notes and how long they are kept

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-03 06:43:18
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journalentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("journalentry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journalentry_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journalentry_learner_id"), ["learner_id"], unique=False
        )

    op.create_table(
        "journalkeep",
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.create_table(
        "practicecommitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_id"),
    )
    with op.batch_alter_table("practicecommitment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practicecommitment_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_practicecommitment_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_practicecommitment_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("practicecommitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practicecommitment_state"))
        batch_op.drop_index(batch_op.f("ix_practicecommitment_learner_id"))
        batch_op.drop_index(batch_op.f("ix_practicecommitment_challenge_id"))

    op.drop_table("practicecommitment")
    op.drop_table("journalkeep")
    with op.batch_alter_table("journalentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journalentry_learner_id"))
        batch_op.drop_index(batch_op.f("ix_journalentry_expires_at"))

    op.drop_table("journalentry")
