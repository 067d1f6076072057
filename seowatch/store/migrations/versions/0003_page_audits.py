"""landing-page audits: one row per keyword, page and day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 03:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('page_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyword_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('url_hash', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('owner_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('redirects', sa.JSON(), nullable=False),
    sa.Column('response_ms', sa.Integer(), nullable=True),
    sa.Column('encoding', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('h1', sa.JSON(), nullable=False),
    sa.Column('h2', sa.JSON(), nullable=False),
    sa.Column('canonical', sa.Text(), nullable=True),
    sa.Column('meta_robots', sa.Text(), nullable=True),
    sa.Column('x_robots_tag', sa.Text(), nullable=True),
    sa.Column('noindex', sa.Boolean(), nullable=False),
    sa.Column('noindex_evidence', sa.Text(), nullable=True),
    sa.Column('body_chars', sa.Integer(), nullable=False),
    sa.Column('chinese_chars', sa.Integer(), nullable=False),
    sa.Column('internal_links', sa.Integer(), nullable=False),
    sa.Column('outbound_links', sa.Integer(), nullable=False),
    sa.Column('images', sa.Integer(), nullable=False),
    sa.Column('images_without_alt', sa.Integer(), nullable=False),
    sa.Column('structured_data', sa.JSON(), nullable=False),
    sa.Column('coverage', sa.JSON(), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['keyword_id'], ['keyword.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('keyword_id', 'url_hash', 'day', name='uq_page_audit_key')
    )
    with op.batch_alter_table('page_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_audit_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_audit_keyword_id'), ['keyword_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('page_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_audit_keyword_id'))
        batch_op.drop_index(batch_op.f('ix_page_audit_day'))

    op.drop_table('page_audit')
