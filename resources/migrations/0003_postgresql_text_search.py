"""PostgreSQL only: unaccent, text search configurations that ignore diacritics, and the GIN index.

On SQLite (the embedded default) this migration does nothing: search there uses the folded text columns.
"""

from django.db import migrations

CONFIGURATIONS = {
    # name: (template configuration, stemming dictionary)
    "libri_simple": ("simple", "simple"),
    "libri_english": ("english", "english_stem"),
    "libri_russian": ("russian", "russian_stem"),
}

# unaccent runs first as a filtering dictionary, so both documents and queries lose their diacritics.
FORWARD = ["CREATE EXTENSION IF NOT EXISTS unaccent"]
for name, (template, dictionary) in CONFIGURATIONS.items():
    FORWARD += [
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}",
        f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{template})",
        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word "
        f"WITH unaccent, {dictionary}",
    ]
FORWARD.append(
    "CREATE INDEX IF NOT EXISTS resources_resource_search_vector_gin ON resources_resource USING gin (search_vector)"
)

BACKWARD = ["DROP INDEX IF EXISTS resources_resource_search_vector_gin"] + [
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in CONFIGURATIONS
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_owner_search_and_file_details")]

    operations = [migrations.RunPython(forward, backward)]
