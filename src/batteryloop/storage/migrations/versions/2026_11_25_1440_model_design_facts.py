"""battery model design facts

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import batteryloop.storage.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("battery_models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("design_facts", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(
            sa.Column("design_updated_at", batteryloop.storage.base.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("battery_models", schema=None) as batch_op:
        batch_op.drop_column("design_updated_at")
        batch_op.drop_column("design_facts")
