from django.conf import settings
from django.urls import translate_url


def site(request):
    """Language alternates of the current page, for the switcher and the hreflang links."""
    path = request.get_full_path()
    alternates = [{"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES]
    return {"language_alternates": alternates, "site_url": settings.SITE_URL}
