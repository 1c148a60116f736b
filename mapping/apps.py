from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_map_data_version(sender, **kwargs):
    from .conditional import forget_data_version

    forget_data_version()


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = _("Map of initiatives")

    def ready(self):
        from partners.models import Organisation

        from .models import Initiative

        # Every save or deletion of what the map shows starts a new map data version (see mapping.conditional):
        # the admin, the services, approvals, the demo data and the shell all save through the models. Signals
        # rather than calls in each writer, because organisations are written by another app.
        for model in (Initiative, Organisation):
            post_save.connect(_forget_map_data_version, sender=model, dispatch_uid=f"mapping-version-save-{model}")
            post_delete.connect(_forget_map_data_version, sender=model, dispatch_uid=f"mapping-version-delete-{model}")
