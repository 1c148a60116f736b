"""Shared helpers of the map tests: the initiative admin's form data and the map's markers."""

from mapping.models import Initiative

INITIATIVE_MARKERS = ".initiative-map img.leaflet-marker-icon"


def initiative_form(**overrides):
    data = {
        "slug": "valodas-kafejnica-ogre",
        "category": Initiative.Category.LANGUAGE,
        "languages": ["lv", "uk"],
        "target_groups": ["adults", "women"],
        "contact_name": "Anna Bērziņa",
        "contact_email": "anna@example.org",
        "contact_phone": "+371 65000000",
        "website": "https://www.example.org",
        "active_since": "2025-03-01",
        "active_until": "",
        "street_address": "Brīvības iela 33",
        "postal_code": "LV-5001",
        "city": "Ogre",
        "country": "LV",
        "latitude": "56.81620",
        "longitude": "24.61401",
        "status": Initiative.Status.PUBLISHED,
        "source": Initiative.Source.STAFF,
        "external_id": "",
    }
    titles = {
        "lv": ("Valodas kafejnīca", "Sarunas latviešu valodā."),
        "en": ("Language café", "Conversations in Latvian."),
        "uk": ("Мовне кафе", "Розмови латиською."),
        "ru": ("Языковое кафе", "Беседы на латышском."),
    }
    for code, (title, description) in titles.items():
        data[f"title_{code}"] = title
        data[f"description_{code}"] = description
    data.update(overrides)
    return data
