import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def empty_cache():
    """Map data bodies are cached under their ETag; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def latvian_content():
    """Factories fill plain `title`/`name`, which modeltranslation stores in the active language: make that Latvian,
    the default, so that a test's explicit `title_en=`/`name_uk=` values sit beside it."""
    with translation.override("lv"):
        yield
