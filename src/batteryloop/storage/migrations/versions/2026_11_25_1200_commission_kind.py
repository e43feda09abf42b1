"""organisation kind 'commission' (the European Commission, Annex XIII point 2)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_OLD = "'oem', 'recycler', 'dismantler', 'logistics', 'refiner', 'cathode_maker', 'authority', 'research'"
_NEW = _OLD + ", 'commission'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", f"kind IN ({kinds})")
    with op.batch_alter_table("sharing_rules") as batch_op:
        batch_op.drop_constraint("grantee_kind", type_="check")
        batch_op.create_check_constraint("grantee_kind", f"grantee_kind IS NULL OR grantee_kind IN ({kinds})")


def upgrade() -> None:
    _kinds(_NEW)


def downgrade() -> None:
    _kinds(_OLD)
