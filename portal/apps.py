from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")


class AdminConfig(SimpleAdminConfig):
    """The admin (`portal.admin_site.PortalAdminSite`), discovering every app's admin module except django-leaflet's.

    django-leaflet's admin module imports GeoDjango, which needs the GDAL C library; the portal keeps
    coordinates as plain decimals and must run without GDAL.
    """

    default_site = "portal.admin_site.PortalAdminSite"
    skipped = {"leaflet"}

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.label not in self.skipped and module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
