from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView


@never_cache
def healthz(request):
    """Liveness only: answers without touching the database, cache or broker."""
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    template_name = "portal/home.html"


class AboutView(TemplateView):
    template_name = "portal/about.html"


class PrivacyView(TemplateView):
    template_name = "portal/privacy.html"


class AccessibilityView(TemplateView):
    template_name = "portal/accessibility.html"
