from django.apps import AppConfig


class GroundworkConfig(AppConfig):
    name = "groundwork"
    verbose_name = "Groundwork"

    def ready(self):
        # Registers the folding function on every new SQLite connection (groundwork.folding), and `in` on integer
        # columns that leaves out numbers no column holds (groundwork.lookups).
        from . import folding, lookups  # noqa: F401
