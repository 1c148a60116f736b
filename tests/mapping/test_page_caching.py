"""The map page, the list of initiatives, the embeddable map and the CSV are kept like the event list
(groundwork.caching on mapping.freshness): anonymous visitors, proxies and the page cache keep them for
PUBLIC_CACHE_SECONDS and revalidate with an ETag of the map data and the release; signed-in staff always get a
fresh, private answer."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import InitiativeFactory
from tests.partners.helpers import force_login_with_code

pytestmark = pytest.mark.django_db

PAGES = ["mapping:map", "mapping:initiative_list", "mapping:embed", "mapping:csv"]


def url(name, language="uk"):
    with translation.override(language):
        return reverse(name)


@pytest.fixture
def cafe():
    return InitiativeFactory(title="Valodas kafejnīca Ogrē", title_uk="Мовне кафе в Огре", slug="kafejnica-ogre")


@pytest.mark.parametrize("name", PAGES)
def test_a_visitor_gets_a_public_copy_and_a_304_while_nothing_changed(name, cafe):
    visitor = Client()

    first = visitor.get(url(name))
    again = visitor.get(url(name), headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200
    assert first["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    assert again.status_code == 304


@pytest.mark.parametrize("name", PAGES)
def test_a_change_of_an_initiative_gives_a_new_etag_after_the_cache_lifetime(name, cafe, public_cache_lifetime_passes):
    visitor = Client()
    first = visitor.get(url(name))

    cafe.title_uk = "Мовне кафе в Огрі"
    cafe.save()
    public_cache_lifetime_passes()
    again = visitor.get(url(name), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    if name in ("mapping:initiative_list", "mapping:csv"):
        # The map pages draw the initiatives from the map data; the list and the CSV name them.
        body = b"".join(again.streaming_content) if again.streaming else again.content
        assert "Мовне кафе в Огрі" in body.decode()


@pytest.mark.parametrize("name", PAGES)
def test_signed_in_staff_get_a_private_answer_with_an_etag_of_their_own(name, cafe, admin_client):
    visitor = Client()
    public = visitor.get(url(name))

    staff = admin_client.get(url(name), headers={"if-none-match": public["ETag"]})

    assert staff.status_code == 200, "a visitor's copy is never confirmed to staff"
    assert "private" in staff["Cache-Control"] and "no-cache" in staff["Cache-Control"]


def test_the_staff_csv_with_contact_columns_is_never_the_visitors_copy(cafe, client, superuser):
    visitor_csv = Client().get(url("mapping:csv"))
    staff_csv = force_login_with_code(client, superuser).get(url("mapping:csv"))

    assert visitor_csv["ETag"] != staff_csv["ETag"]
    assert b"".join(visitor_csv.streaming_content) != b"".join(staff_csv.streaming_content)


@pytest.mark.parametrize("name", PAGES)
def test_a_copy_made_before_the_one_time_password_is_not_confirmed_after_it_nor_back(name, cafe, client, superuser):
    client.force_login(superuser)
    password_only = client.get(url(name))
    force_login_with_code(client, superuser)
    verified = client.get(url(name), headers={"if-none-match": password_only["ETag"]})
    client.logout()
    client.force_login(superuser)
    password_only_again = client.get(url(name), headers={"if-none-match": verified["ETag"]})

    assert password_only["ETag"] != verified["ETag"]
    assert (verified.status_code, password_only_again.status_code) == (200, 200)


def test_a_link_with_a_tracking_parameter_is_answered_but_kept_by_nobody(cafe):
    response = Client().get(url("mapping:initiative_list"), {"utm_source": "newsletter"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
