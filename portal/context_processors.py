from django.conf import settings
from django.urls import translate_url


def site(request):
    """Values every public page needs: the language alternates of the current page and the map tile source.

    The alternates feed both the language switcher and the hreflang links, so switching language keeps the
    visitor on the same page (query string included).
    """
    path = request.get_full_path()
    alternates = [{"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES]
    return {
        "language_alternates": alternates,
        "default_language_url": translate_url(path, settings.LANGUAGE_CODE),
        "site_url": settings.SITE_URL,
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }
