from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender, using, **kwargs):
    from .roles import sync_role_groups

    sync_role_groups(using=using)


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        # The role groups follow the permissions declared in partners.roles after every migrate (and test setup).
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="partners_sync_roles")
