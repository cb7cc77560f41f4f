"""fair quizzes and spaced review: each quiz poll remembers the order its options were
shown in, so an answer maps back to the lesson's own option; review items (one FSRS card
per learner and question) and the review polls sent for them

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
    op.create_table(
        "reviewitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("lesson_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("reviews_right", sa.Integer(), nullable=False),
        sa.Column("right_streak", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mastered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "lesson_id", "question_id", name="uq_review_item"),
    )
    with op.batch_alter_table("reviewitem", schema=None) as batch_op:
        batch_op.create_index("ix_reviewitem_learner_due", ["learner_id", "due"], unique=False)
    op.create_table(
        "reviewpoll",
        sa.Column("poll_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.BigInteger(), nullable=False),
        sa.Column("correct_index", sa.Integer(), nullable=False),
        sa.Column("option_order", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("option_index", sa.Integer(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["reviewitem.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["learner.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id"),
    )
    with op.batch_alter_table("reviewpoll", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewpoll_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviewpoll_learner_id"), ["learner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reviewpoll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewpoll_learner_id"))
        batch_op.drop_index(batch_op.f("ix_reviewpoll_item_id"))
    op.drop_table("reviewpoll")
    with op.batch_alter_table("reviewitem", schema=None) as batch_op:
        batch_op.drop_index("ix_reviewitem_learner_due")
    op.drop_table("reviewitem")
    with op.batch_alter_table("quizpoll", schema=None) as batch_op:
        batch_op.drop_column("option_order")
