"""rank tracking: sites, keywords, checks, result pages, resolved links

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 02:18:49.133995

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""

    op.create_table('resolved_link',
    sa.Column('link_hash', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('link', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('link_hash')
    )
    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_domain'), ['domain'], unique=True)

    op.create_table('keyword',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('normalized', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('group_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('engines', sa.JSON(), nullable=False),
    sa.Column('volume', sa.Integer(), nullable=True),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_id', 'normalized', name='uq_keyword_site_normalized')
    )
    with op.batch_alter_table('keyword', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyword_normalized'), ['normalized'], unique=False)
        batch_op.create_index(batch_op.f('ix_keyword_site_id'), ['site_id'], unique=False)

    op.create_table('rank_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyword_id', sa.Integer(), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('block_position', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('owner_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('depth_scanned', sa.Integer(), nullable=False),
    sa.Column('pages_fetched', sa.Integer(), nullable=False),
    sa.Column('unknown_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('unknown_detail', sa.Text(), nullable=True),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['keyword_id'], ['keyword.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('keyword_id', 'engine', 'device', 'day', name='uq_rank_check_key')
    )
    with op.batch_alter_table('rank_check', schema=None) as batch_op:
        batch_op.create_index('ix_rank_check_day', ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_rank_check_keyword_id'), ['keyword_id'], unique=False)

    op.create_table('rank_observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyword_id', sa.Integer(), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('depth_scanned', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['keyword_id'], ['keyword.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rank_observation', schema=None) as batch_op:
        batch_op.create_index('ix_rank_observation_key', ['keyword_id', 'engine', 'device', 'day'], unique=False)

    op.create_table('serp_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('page_no', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('failure', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('parse_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('encoding', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('organic_count', sa.Integer(), nullable=False),
    sa.Column('ads_count', sa.Integer(), nullable=False),
    sa.Column('ads_domains', sa.JSON(), nullable=False),
    sa.Column('related_searches', sa.JSON(), nullable=False),
    sa.Column('query_echo', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['rank_check.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('check_id', 'page_no', name='uq_serp_page_check_page')
    )
    with op.batch_alter_table('serp_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serp_page_check_id'), ['check_id'], unique=False)

    op.create_table('serp_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('page_no', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('page_position', sa.Integer(), nullable=True),
    sa.Column('block_position', sa.Integer(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('display_url', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('snippet', sa.Text(), nullable=True),
    sa.Column('special_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('owner_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['rank_check.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('serp_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_serp_result_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_serp_result_domain'), ['domain'], unique=False)




def downgrade() -> None:
    """Downgrade schema."""

    with op.batch_alter_table('serp_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serp_result_domain'))
        batch_op.drop_index(batch_op.f('ix_serp_result_check_id'))

    op.drop_table('serp_result')
    with op.batch_alter_table('serp_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_serp_page_check_id'))

    op.drop_table('serp_page')
    with op.batch_alter_table('rank_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rank_check_keyword_id'))
        batch_op.drop_index('ix_rank_check_day')

    with op.batch_alter_table('rank_observation', schema=None) as batch_op:
        batch_op.drop_index('ix_rank_observation_key')

    op.drop_table('rank_observation')
    op.drop_table('rank_check')
    with op.batch_alter_table('keyword', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyword_site_id'))
        batch_op.drop_index(batch_op.f('ix_keyword_normalized'))

    op.drop_table('keyword')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_domain'))

    op.drop_table('site')
    op.drop_table('resolved_link')

