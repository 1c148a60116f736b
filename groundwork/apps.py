from django.apps import AppConfig


class GroundworkConfig(AppConfig):
    name = "groundwork"
    verbose_name = "Groundwork"

    def ready(self):
        # Registers the folding function on every new SQLite connection (groundwork.folding).
        from . import folding  # noqa: F401
