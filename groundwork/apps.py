from django.apps import AppConfig


class GroundworkConfig(AppConfig):
    name = "groundwork"
    verbose_name = "Groundwork"

    def ready(self):
        # Registers the folding function on every new SQLite connection (groundwork.folding), and the lookups on
        # integer columns and relations to them that leave out numbers no column holds (groundwork.lookups).
        from . import folding, lookups  # noqa: F401
