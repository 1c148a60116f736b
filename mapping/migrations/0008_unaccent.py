from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """The map's search folds text with unaccent on PostgreSQL (groundwork.folding); nothing on SQLite."""

    dependencies = [("mapping", "0007_plausible_dates")]

    operations = [UnaccentExtension()]
