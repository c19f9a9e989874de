"""Trigram indexes behind the admin's and the API's name searches (icontains) on PostgreSQL.

Django's icontains is `UPPER(column::text) LIKE UPPER('%term%')`: a GIN index of pg_trgm's trigrams of
UPPER(column) answers it without reading the table. PostgreSQL only: elsewhere (the SQLite dev server) nothing.
"""

from django.db import migrations

INDEXES = (
    ("company_name_ko_trgm_idx", "companies_company", "name_ko"),
    ("company_name_en_trgm_idx", "companies_company", "name_en"),
    ("mou_title_trgm_idx", "companies_mou", "title"),
    ("mou_counterparty_trgm_idx", "companies_mou", "counterparty_name"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
        )
    # "=company__brn" in search_fields is iexact: UPPER(brn) = UPPER(term).
    schema_editor.execute('CREATE INDEX IF NOT EXISTS "company_brn_upper_idx" ON "companies_company" (UPPER("brn"))')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (*(name for name, _table, _column in INDEXES), "company_brn_upper_idx"):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("companies", "0004_portal_invitations_claims_self_reports")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
