"""text search and sorts: FTS5 trigram tables (SQLite) or pg_trgm GIN indexes (PostgreSQL) on cases.title and
organisations.name; indexes on the case list's sort columns

Revision ID: d5f1b7c3a9e2
Revises: c4e8a1d2f7b3
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5f1b7c3a9e2'
down_revision = 'c4e8a1d2f7b3'
branch_labels = None
depends_on = None

#: The case list's sorts that had no index (each read and sorted every case to show fifty), with the list's
#: tie-break on the id in its order, as caseflow.models.case.SORT_INDEXES has them.
SORTED = {"ix_cases_title_id": ("title", "id DESC"), "ix_cases_proposed_end_id": ("proposed_end", "id DESC"),
          "ix_cases_updated_at_id": ("updated_at", "id")}

# SQLite: contentless FTS5 tables under the case-sensitive trigram tokenizer, of the texts lowered by lower()
# (ASCII letters only, as SQLite's LIKE ignores their case only): a quoted phrase of three or more
# characters then finds exactly what LIKE '%...%' finds. A case's row holds its title and its partner's
# name, so "title or partner contains" is one lookup with each case once. A contentless table stores no
# text, so a row is deleted by giving the values it was given: the triggers have them (old.*).
PARTNER_OF = "(SELECT lower(name) FROM organisations WHERE id = {}.partner_id)"
SQLITE_UP = [
    "CREATE VIRTUAL TABLE cases_fts USING fts5(title, partner, content='', tokenize='trigram case_sensitive 1')",
    "INSERT INTO cases_fts(rowid, title, partner) SELECT cases.id, lower(cases.title), lower(organisations.name) "
    "FROM cases JOIN organisations ON organisations.id = cases.partner_id",
    "CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN "
    f"INSERT INTO cases_fts(rowid, title, partner) VALUES (new.id, lower(new.title), {PARTNER_OF.format('new')}); END",
    "CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, title, partner) "
    f"VALUES ('delete', old.id, lower(old.title), {PARTNER_OF.format('old')}); END",
    # Only when the title or the partner changes: a transition's UPDATE of the case costs the index nothing.
    "CREATE TRIGGER cases_fts_update AFTER UPDATE OF title, partner_id ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, title, partner) "
    f"VALUES ('delete', old.id, lower(old.title), {PARTNER_OF.format('old')}); "
    f"INSERT INTO cases_fts(rowid, title, partner) VALUES (new.id, lower(new.title), {PARTNER_OF.format('new')}); END",
    "CREATE VIRTUAL TABLE organisations_fts USING fts5(name, content='', tokenize='trigram case_sensitive 1')",
    "INSERT INTO organisations_fts(rowid, name) SELECT id, lower(name) FROM organisations",
    "CREATE TRIGGER organisations_fts_insert AFTER INSERT ON organisations BEGIN "
    "INSERT INTO organisations_fts(rowid, name) VALUES (new.id, lower(new.name)); END",
    "CREATE TRIGGER organisations_fts_delete AFTER DELETE ON organisations BEGIN "
    "INSERT INTO organisations_fts(organisations_fts, rowid, name) VALUES ('delete', old.id, lower(old.name)); END",
    # A corrected name reaches the partner's row and each of its cases' rows.
    "CREATE TRIGGER organisations_fts_update AFTER UPDATE OF name ON organisations BEGIN "
    "INSERT INTO organisations_fts(organisations_fts, rowid, name) VALUES ('delete', old.id, lower(old.name)); "
    "INSERT INTO organisations_fts(rowid, name) VALUES (new.id, lower(new.name)); "
    "INSERT INTO cases_fts(cases_fts, rowid, title, partner) "
    "SELECT 'delete', id, lower(title), lower(old.name) FROM cases WHERE partner_id = old.id; "
    "INSERT INTO cases_fts(rowid, title, partner) SELECT id, lower(title), lower(new.name) FROM cases "
    "WHERE partner_id = new.id; END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {table}_fts_{event}" for table in ("cases", "organisations")
               for event in ("insert", "delete", "update")] + ["DROP TABLE IF EXISTS cases_fts",
                                                              "DROP TABLE IF EXISTS organisations_fts"]
#: PostgreSQL: GIN trigram indexes serve ILIKE '%...%' on each searched column.
TRIGRAM = {"ix_cases_title_trgm": ("cases", "title"), "ix_organisations_name_trgm": ("organisations", "name")}


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        # pg_trgm is a trusted extension (PostgreSQL 13 on): the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # One extension per database, in the schema it was made in, which need not be on the search path.
        schema = op.get_bind().execute(sa.text(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")).scalar_one()
        for name, (table, column) in TRIGRAM.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} {schema}.gin_trgm_ops)")
    for name, key in SORTED.items():
        op.create_index(name, "cases", [key[0], sa.text(key[1])])


def downgrade():
    for name in SORTED:
        op.drop_index(name, table_name="cases")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        # The extension stays: other objects may use it, and dropping it is the database owner's call.
        for name in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
