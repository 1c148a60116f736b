import pytest
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def source_language():
    """Tests assert the source (English) strings; pages under /<lang>/ still follow their URL's language.

    Without this the test thread and every unprefixed URL (the admin) would speak Latvian, the default language,
    and an assertion would depend on the state of the translation catalogues rather than on behaviour.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A test client whose browser asks for English, as the assertions are written in the source language."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
