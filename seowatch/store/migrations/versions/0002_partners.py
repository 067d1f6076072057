"""link-exchange partners: the partners of a site with their standing, and every check of them

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 02:33:37.424489

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Text(), nullable=False),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('anchor', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('our_page', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('state_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('first_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_seen_ok', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_checked', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_id', 'page', name='uq_partner_site_page')
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_site_id'), ['site_id'], unique=False)

    op.create_table('partner_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('statuses', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('transient', sa.Boolean(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('redirects', sa.JSON(), nullable=False),
    sa.Column('response_ms', sa.Integer(), nullable=True),
    sa.Column('failure', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('failure_detail', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('encoding', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('outbound_links', sa.Integer(), nullable=True),
    sa.Column('links_to_us', sa.Integer(), nullable=False),
    sa.Column('link', sa.JSON(), nullable=True),
    sa.Column('found_on', sa.Text(), nullable=True),
    sa.Column('page_facts', sa.JSON(), nullable=False),
    sa.Column('reciprocal', sa.Boolean(), nullable=True),
    sa.Column('reciprocal_detail', sa.Text(), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partner_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_check_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_check_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_partner_check_partner_time', ['partner_id', 'checked_at'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('partner_check', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_check_partner_time')
        batch_op.drop_index(batch_op.f('ix_partner_check_partner_id'))
        batch_op.drop_index(batch_op.f('ix_partner_check_day'))

    op.drop_table('partner_check')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_site_id'))

    op.drop_table('partner')
