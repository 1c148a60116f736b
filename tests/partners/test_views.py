"""Public partner directory: organisations by kind and country, organisation pages and the agreements register."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import resolve, reverse
from django.utils import translation

from activities.models import Event
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from tests.factories import AgreementFactory, EventFactory, InitiativeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Riga"))


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Ogres Centrālā bibliotēka",
        slug="ogres-centrala-biblioteka",
        email="info@example.org",
        phone="+371 650 00000",
        postal_code="LV-5001",
    )


@pytest.fixture
def agreement(organisation):
    return AgreementFactory(title="Sadarbības līgums", slug="kisc-ocb", parties=[organisation, OrganisationFactory()])


def url_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def page_urls(organisation, agreement):
    return [
        ("partners:organisation_list", {}),
        ("partners:organisation_detail", {"slug": organisation.slug}),
        ("partners:agreement_list", {}),
        ("partners:agreement_detail", {"slug": agreement.slug}),
    ]


def json_script(html, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id}"
    return json.loads(match.group(1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_partner_page_answers_in_every_language_with_its_html_lang(client, organisation, agreement, language):
    for name, kwargs in page_urls(organisation, agreement):
        response = client.get(url_in(language, name, **kwargs))

        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in response.content.decode(), name


def test_partner_pages_carry_hreflang_alternates_and_switcher_to_the_same_page(client, organisation, agreement):
    for name, kwargs in page_urls(organisation, agreement):
        html = client.get(url_in("ru", name, **kwargs)).content.decode()

        for language in LANGUAGES:
            same_page = url_in(language, name, **kwargs)
            assert f'<link rel="alternate" hreflang="{language}" href="{settings.SITE_URL}{same_page}">' in html
            assert f'<a href="{same_page}" hreflang="{language}" lang="{language}"' in html


def test_agreements_path_is_the_register_not_an_organisation(organisation):
    with translation.override("en"):
        assert resolve("/en/partners/agreements/").url_name == "agreement_list"
        assert resolve("/en/partners/agreements/kisc-ocb/").url_name == "agreement_detail"
        assert resolve(f"/en/partners/{organisation.slug}/").url_name == "organisation_detail"


@pytest.mark.parametrize(
    "name", ["partners:organisation_detail", "partners:agreement_detail"], ids=["organisation", "agreement"]
)
def test_unknown_slug_answers_404(client, name):
    response = client.get(url_in("en", name, slug="no-such-slug"))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_directory_groups_organisations_by_kind_then_country_with_translated_names(client):
    OrganisationFactory(name="Bibliothèques Sans Frontières", kind=Organisation.Kind.CONSORTIUM_PARTNER, country="FR")
    OrganisationFactory(name="EBLIDA", kind=Organisation.Kind.CONSORTIUM_PARTNER, country="NL")
    OrganisationFactory(name="Ventspils bibliotēka")
    OrganisationFactory(name="Ogres novada Sociālais dienests", kind=Organisation.Kind.MUNICIPAL_SERVICE)

    html = client.get(url_in("lv", "partners:organisation_list")).content.decode()

    headings = re.findall(r"<(h[23])>([^<]+)</h[23]>", html)
    assert headings == [
        ("h2", "Partnerbibliotēkas"),
        ("h3", "Latvija"),
        ("h2", "Pašvaldību dienesti"),
        ("h3", "Latvija"),
        ("h2", "Konsorcija partneri"),
        ("h3", "Francija"),
        ("h3", "Nīderlande"),
    ]
    groups = html.split('id="organisation-groups"', 1)[1]
    assert groups.index("Bibliothèques Sans Frontières") < groups.index("EBLIDA")


def test_directory_filters_by_kind_and_country_in_the_url(client):
    OrganisationFactory(name="Bibliothèques Sans Frontières", kind=Organisation.Kind.CONSORTIUM_PARTNER, country="FR")
    OrganisationFactory(name="FRSI", kind=Organisation.Kind.CONSORTIUM_PARTNER, country="PL")
    OrganisationFactory(name="Ventspils bibliotēka")

    html = client.get(url_in("en", "partners:organisation_list"), {"kind": "consortium_partner", "country": "PL"})
    html = html.content.decode()

    assert "FRSI" in html
    assert "Bibliothèques Sans Frontières" not in html
    assert "Ventspils bibliotēka" not in html
    assert '<option value="PL" selected>Poland</option>' in html
    assert 'href="/lv/partners/?kind=consortium_partner&amp;country=PL"' in html


def test_directory_offers_only_countries_that_have_organisations(client):
    OrganisationFactory(country="FR", kind=Organisation.Kind.CONSORTIUM_PARTNER)
    OrganisationFactory()

    html = client.get(url_in("en", "partners:organisation_list")).content.decode()

    assert re.findall(r'<option value="([A-Z]{2})"', html) == ["FR", "LV"]


@pytest.mark.parametrize("query", [{"kind": "castle"}, {"country": "ZZ"}], ids=["kind", "country"])
def test_directory_rejects_an_unknown_filter_value_with_400_and_a_message(client, query):
    OrganisationFactory(name="Ventspils bibliotēka")

    response = client.get(url_in("en", "partners:organisation_list"), query)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice." in html
    assert "Ventspils bibliotēka" not in html


def test_directory_map_has_the_organisations_with_coordinates(client):
    shown = OrganisationFactory(name="Ventspils bibliotēka", latitude="57.39485", longitude="21.56121")
    OrganisationFactory(name="ACV", kind=Organisation.Kind.CONSORTIUM_PARTNER, latitude=None, longitude=None)

    html = client.get(url_in("lv", "partners:organisation_list")).content.decode()

    assert json_script(html, "partners-map-points") == [
        {"lat": 57.39485, "lng": 21.56121, "label": "Ventspils bibliotēka", "url": shown.get_absolute_url()}
    ]
    assert 'id="partners-map" class="map map-small" role="region" aria-label="' in html
    assert 'href="#organisation-groups"' in html


def test_organisation_page_shows_contacts_address_and_a_map_of_it(client, organisation):
    html = client.get(url_in("en", "partners:organisation_detail", slug=organisation.slug)).content.decode()

    assert '<h1 lang="lv">Ogres Centrālā bibliotēka</h1>' in html
    assert "Brīvības iela 35, LV-5001, Ogre, Latvia" in html
    assert 'href="mailto:info@example.org"' in html
    assert 'href="tel:+37165000000"' in html
    assert 'href="https://www.example.org"' in html
    assert 'aria-describedby="organisation-address"' in html
    assert json_script(html, "organisation-map-points") == [
        {"lat": 56.8162, "lng": 24.61401, "label": "Ogres Centrālā bibliotēka", "url": ""}
    ]


def test_organisation_without_coordinates_has_no_map(client):
    organisation = OrganisationFactory(latitude=None, longitude=None)

    html = client.get(url_in("en", "partners:organisation_detail", slug=organisation.slug)).content.decode()

    assert "organisation-map" not in html


def test_organisation_page_lists_its_upcoming_events_as_organiser_and_co_organiser(client, organisation, frozen_now):
    organised = EventFactory(title="Valodas kafejnīca", organiser=organisation)
    co_organised = EventFactory(title="Informatīvā sesija", starts_at=frozen_now + datetime.timedelta(days=2))
    co_organised.co_organisers.add(organisation)
    EventFactory(title="Pagājusī", organiser=organisation, starts_at=frozen_now - datetime.timedelta(days=3))
    EventFactory(title="Melnraksts", organiser=organisation, status=Event.Status.DRAFT)
    EventFactory(title="Citas bibliotēkas")

    html = client.get(url_in("lv", "partners:organisation_detail", slug=organisation.slug)).content.decode()

    assert html.index(co_organised.get_absolute_url()) < html.index(organised.get_absolute_url())
    for title in ("Pagājusī", "Melnraksts", "Citas bibliotēkas"):
        assert title not in html


def test_organisation_page_lists_its_published_initiatives_and_agreements(client, organisation, agreement):
    initiative = InitiativeFactory(title="Sarunu klubs", host=organisation)
    InitiativeFactory(title="Gaida pārbaudi", host=organisation, status=Initiative.Status.PENDING)
    AgreementFactory(title="Cits līgums")

    html = client.get(url_in("lv", "partners:organisation_detail", slug=organisation.slug)).content.decode()

    assert initiative.get_absolute_url() in html
    assert "Gaida pārbaudi" not in html
    assert agreement.get_absolute_url() in html
    assert "Cits līgums" not in html


def test_agreement_register_shows_kind_parties_date_summary_and_document(client):
    first = OrganisationFactory(name="Kultūras informācijas sistēmu centrs")
    second = OrganisationFactory(name="Ogres Centrālā bibliotēka")
    agreement = AgreementFactory(
        title="KISC un OCB sadarbības līgums",
        summary="Integrācijas stratēģija un semināri.",
        parties=[first, second],
        document="agreements/abc.pdf",
    )
    AgreementFactory(title="Nodomu protokols", kind=Agreement.Kind.MEMORANDUM, signed_on=datetime.date(2025, 3, 1))

    html = client.get(url_in("en", "partners:agreement_list")).content.decode()

    assert html.index("Nodomu protokols") < html.index("KISC un OCB sadarbības līgums")
    assert "Cooperation agreement" in html
    assert "Memorandum of intent" in html
    assert '<time datetime="2025-02-14">' in html
    assert f'href="{first.get_absolute_url()}">Kultūras informācijas sistēmu centrs</a>' in html
    assert "Integrācijas stratēģija un semināri." in html
    assert 'href="/media/agreements/abc.pdf"' in html
    assert agreement.get_absolute_url() in html


def test_agreement_page_shows_its_facts(client, agreement):
    agreement.valid_until = datetime.date(2026, 5, 31)
    agreement.summary = "Semināri trešo valstu pilsoņiem."
    agreement.save()

    html = client.get(url_in("en", "partners:agreement_detail", slug=agreement.slug)).content.decode()

    assert '<h1 lang="lv">Sadarbības līgums</h1>' in html
    assert '<time datetime="2026-05-31">' in html
    assert "Semināri trešo valstu pilsoņiem." in html
    for party in agreement.parties.all():
        assert party.get_absolute_url() in html


def test_sample_records_carry_a_visible_sample_badge(client):
    sample = OrganisationFactory(name="Parauga bibliotēka", is_sample=True)
    real = OrganisationFactory(name="Īstā bibliotēka")
    agreement = AgreementFactory(parties=[real, sample], is_sample=True)

    pages = [
        url_in("en", "partners:organisation_list"),
        url_in("en", "partners:organisation_detail", slug=sample.slug),
        url_in("en", "partners:agreement_list"),
        url_in("en", "partners:agreement_detail", slug=agreement.slug),
    ]
    for page in pages:
        assert 'class="tag badge-sample">Sample' in client.get(page).content.decode(), page
    real_page = client.get(url_in("en", "partners:organisation_detail", slug=real.slug)).content.decode()
    assert real_page.count("badge-sample") == 1  # only on its sample agreement


@pytest.mark.parametrize("size", [5, 50])
def test_directory_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    OrganisationFactory.create_batch(size)
    OrganisationFactory.create_batch(size, kind=Organisation.Kind.CONSORTIUM_PARTNER, country="FR")

    with django_assert_max_num_queries(2):
        response = client.get(url_in("lv", "partners:organisation_list"), {"kind": "partner_library"})

    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_organisation_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, organisation, frozen_now, size
):
    for event in EventFactory.create_batch(size, organiser=OrganisationFactory()):
        event.co_organisers.add(organisation)
    EventFactory.create_batch(size, organiser=organisation, venue_organisation=OrganisationFactory())
    InitiativeFactory.create_batch(size, host=organisation)
    for _ in range(size):
        AgreementFactory(parties=[organisation, OrganisationFactory(), OrganisationFactory()])

    with django_assert_max_num_queries(5):
        response = client.get(url_in("lv", "partners:organisation_detail", slug=organisation.slug))

    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_agreement_register_query_count_does_not_grow(client, django_assert_max_num_queries, size):
    for _ in range(size):
        AgreementFactory(parties=[OrganisationFactory(), OrganisationFactory(), OrganisationFactory()])

    with django_assert_max_num_queries(2):
        response = client.get(url_in("lv", "partners:agreement_list"))

    assert response.status_code == 200
