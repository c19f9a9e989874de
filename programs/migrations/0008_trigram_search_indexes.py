"""Trigram indexes behind the admin's and the API's text searches (icontains) on the large programs tables.

Django's icontains is `UPPER(column::text) LIKE UPPER('%term%')`: a GIN index of pg_trgm's trigrams of
UPPER(column) answers it without reading the table. PostgreSQL only: elsewhere (the SQLite dev server) nothing.
"""

from django.db import migrations

INDEXES = (
    ("application_title_trgm_idx", "programs_application", "title"),
    ("trainee_full_name_trgm_idx", "programs_trainee", "full_name"),
    ("enrolment_employer_trgm_idx", "programs_enrolment", "employer_name"),
    ("cohort_name_trgm_idx", "programs_cohort", "name"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("programs", "0007_kpi_indexes"), ("companies", "0005_trigram_search_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
