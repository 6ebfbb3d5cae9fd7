from django.db import migrations

# The full-text index must use exactly the expression Django's SearchVector
# generates, or PostgreSQL scans every term (seen in `make bench`).
FTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS catalog_searchterm_fts_idx ON catalog_searchterm "
    "USING gin (to_tsvector('simple'::regconfig, "
    "(COALESCE(term, ''::character varying))::text))"
)


def recreate_fts_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_searchterm_fts_idx")
        schema_editor.execute(FTS_INDEX)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_status_since_precision")]

    operations = [migrations.RunPython(recreate_fts_index, migrations.RunPython.noop)]
