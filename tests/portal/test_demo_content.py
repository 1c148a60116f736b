"""The demo data as `make run` shows it: the project's real partners and agreements, and samples marked as such.

Loaded once for the module (its tests only read it), at the moment `LOAD_MOMENT`."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from modeltranslation.translator import translator

from activities.models import Event
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from resources.models import GoodPractice, Resource, Strategy
from tests.portal.helpers import LANGUAGES, LOAD_MOMENT, MODELS, RIGA, SLUGGED_MODELS, run_load_demo

pytestmark = pytest.mark.django_db

PARTNER_LIBRARIES = {
    "Ogres Centrālā bibliotēka",
    'Daugavpils valstspilsētas pašvaldības iestāde "Latgales Centrālā bibliotēka"',
    "Jēkabpils novada Galvenā bibliotēka",
    "Jelgavas pilsētas bibliotēka",
    "Liepājas Centrālā zinātniskā bibliotēka",
    "Rēzeknes Centrālā bibliotēka",
    "Salaspils novada bibliotēka",
    "Saldus novada bibliotēka",
    "Siguldas novada bibliotēka",
    "Ventspils bibliotēka",
}


LIBRARY_CITIES = {
    "Ogre", "Daugavpils", "Jēkabpils", "Jelgava", "Liepāja", "Rēzekne", "Salaspils", "Saldus", "Sigulda", "Ventspils",
}  # fmt: skip


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo data loaded once for the module's tests that only read it, in a transaction that every test's own
    transaction nests in and that is rolled back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(LOAD_MOMENT, tick=False):
            run_load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_demo, traveller):
    """The demo data, read at the moment it was loaded."""


def org(slug):
    return Organisation.objects.get(slug=slug)


def test_loads_the_ten_partner_libraries_with_their_real_names(demo):
    libraries = Organisation.objects.libraries()
    assert set(libraries.values_list("name_lv", flat=True)) == PARTNER_LIBRARIES
    assert set(libraries.values_list("city", flat=True)) == LIBRARY_CITIES
    assert org("ogre-central-library").name_en == "Ogre Central Library"
    assert org("latgale-central-library").short_name_lv == "Latgales Centrālā bibliotēka"


def test_loads_every_organisation_of_the_source_table_with_its_address_and_point(demo):
    assert Organisation.objects.count() == 19
    assert dict(Counter(Organisation.objects.values_list("kind", flat=True))) == {
        "partner_library": 10,
        "municipal_service": 1,
        "ngo": 1,
        "consortium_partner": 7,
    }
    ogre = org("ogre-central-library")
    assert (ogre.street_address, ogre.postal_code, ogre.city, ogre.country.code) == (
        "Brīvības iela 35",
        "LV-5001",
        "Ogre",
        "LV",
    )
    assert (ogre.latitude, ogre.longitude) == (Decimal("56.81620"), Decimal("24.61401"))
    assert ogre.website == "https://www.ocb.lv"
    assert org("ogre-municipality-social-service").kind == Organisation.Kind.MUNICIPAL_SERVICE
    assert org("latvian-red-cross-ogre-office").name_lv.endswith("Zemgales komitejas Ogres birojs")
    # No point where the source table has none.
    assert org("bsf-italia").latitude is None and org("acv").longitude is None
    assert org("acv").country.code == "RO"


def test_loads_kisc_and_the_six_other_consortium_partners_with_bsf_as_lead(demo):
    consortium = Organisation.objects.filter(kind=Organisation.Kind.CONSORTIUM_PARTNER)
    assert set(consortium.values_list("short_name_en", flat=True)) == {
        "KISC", "BSF", "BSF Italia", "ANVITA", "EBLIDA", "FRSI", "ACV",
    }  # fmt: skip
    assert org("bsf").name_lv == "Bibliothèques Sans Frontières"
    assert "lead partner" in org("bsf").description_en
    assert org("kisc").website == "https://www.kis.gov.lv"


def test_loads_the_cooperation_agreement_between_kisc_and_ogre_central_library(demo):
    agreement = Agreement.objects.get(kind=Agreement.Kind.COOPERATION)
    assert agreement.signed_on == datetime.date(2025, 2, 14)
    assert set(agreement.parties.values_list("slug", flat=True)) == {"kisc", "ogre-central-library"}
    assert "integrācijas stratēģija" in agreement.summary_lv
    assert "seminars and events" in agreement.summary_en
    assert not agreement.is_sample


def test_loads_the_memorandum_of_intent_between_the_three_ogre_partners(demo):
    memorandum = Agreement.objects.get(kind=Agreement.Kind.MEMORANDUM)
    assert memorandum.signed_on == datetime.date(2025, 2, 14)
    assert set(memorandum.parties.values_list("slug", flat=True)) == {
        "ogre-central-library",
        "ogre-municipality-social-service",
        "latvian-red-cross-ogre-office",
    }
    assert "partnerību" in memorandum.summary_lv
    assert not memorandum.is_sample


def test_loads_the_remote_partner_meeting_of_27_march_2025(demo):
    meeting = Event.objects.get(kind=Event.Kind.PARTNER_MEETING)
    assert timezone.localtime(meeting.starts_at, RIGA).date() == datetime.date(2025, 3, 27)
    assert meeting.venue == Event.Venue.ONLINE
    assert meeting.online_url == "https://www.kis.gov.lv"
    assert "remotely" in meeting.description_en
    assert meeting.organiser == org("kisc")
    assert meeting.status == Event.Status.PUBLISHED
    assert meeting.is_past
    assert not meeting.is_sample


def test_loads_a_sample_good_practice_record_for_the_ogre_partnership(demo):
    practice = GoodPractice.objects.select_related("resource", "library").get()
    assert practice.resource.kind == Resource.Kind.GOOD_PRACTICE and practice.resource.is_sample
    assert practice.country.code == "LV"
    assert practice.library.slug == "ogre-central-library"
    assert "14 February 2025" in practice.what_was_done_en
    assert "Sample record" in practice.results_en
    assert all(getattr(practice, f"{field}_lv") for field in ("need", "partners_involved", "how_to_transfer"))


def test_the_good_practice_record_is_searchable_and_filterable_on_the_public_list(demo, client):
    # Words found only in the record's need section (not in any resource text), typed without diacritics.
    with translation.override("lv"):
        url = reverse("resources:resource_list")
    practice = GoodPractice.objects.select_related("resource").get().resource

    found = client.get(url, {"q": "vairaku dienestu palidziba"})
    assert [resource.slug for resource in found.context["resources"]] == [practice.slug]
    by_library = client.get(url, {"library": "ogre-central-library", "country": "LV"})
    assert [resource.slug for resource in by_library.context["resources"]] == [practice.slug]


def test_loads_a_sample_adopted_strategy_for_ogre_with_its_partners_agreements_and_action_plan(demo, client):
    strategy = Strategy.objects.get()
    assert strategy.is_sample
    assert strategy.status == Strategy.Status.ADOPTED and strategy.adopted_on == datetime.date(2025, 10, 1)
    assert strategy.library.slug == "ogre-central-library"
    assert set(strategy.partners.values_list("slug", flat=True)) == {
        "ogre-municipality-social-service",
        "latvian-red-cross-ogre-office",
    }
    assert set(strategy.agreements.values_list("kind", flat=True)) == {
        Agreement.Kind.COOPERATION,
        Agreement.Kind.MEMORANDUM,
    }
    assert strategy.document.kind == Resource.Kind.STRATEGY
    items = list(strategy.action_items.order_by("position"))
    assert [item.status for item in items] == ["done", "in_progress", "in_progress", "planned", "planned"]
    assert items[0].due_on == datetime.date(2025, 2, 14)
    # Due dates of the open items count from the day of loading (26 November 2026).
    assert items[1].due_on == datetime.date(2026, 11, 26) + datetime.timedelta(weeks=12)
    assert {item.responsible.slug for item in items} == {
        "ogre-central-library",
        "ogre-municipality-social-service",
        "latvian-red-cross-ogre-office",
    }
    linked = Event.objects.filter(action_items__strategy=strategy)
    assert linked.count() == 2 and all(event.is_sample for event in linked)

    response = client.get(strategy.get_absolute_url())
    assert response.status_code == 200
    assert "badge-sample" in response.content.decode()


def test_a_sample_resource_links_an_upcoming_event(demo, client):
    practice = Resource.objects.get(kind=Resource.Kind.GOOD_PRACTICE)
    (event,) = practice.related_events.all()
    assert event.is_sample and not event.is_past

    response = client.get(practice.get_absolute_url())
    assert [shown.pk for shown in response.context["resource"].upcoming_events] == [event.pk]


def test_only_sample_content_is_marked_as_sample(demo):
    assert not Organisation.objects.filter(is_sample=True).exists()
    assert not Agreement.objects.filter(is_sample=True).exists()
    assert list(Event.objects.filter(is_sample=False).values_list("kind", flat=True)) == [Event.Kind.PARTNER_MEETING]
    assert Event.objects.filter(is_sample=True).count() >= 10
    assert Initiative.objects.count() >= 10
    assert not Initiative.objects.filter(is_sample=False).exists()
    assert Resource.objects.count() >= 6
    assert not Resource.objects.filter(is_sample=False).exists()
    assert Strategy.objects.exists()
    assert not Strategy.objects.filter(is_sample=False).exists()


def test_sample_events_are_upcoming_varied_and_spread_over_the_libraries(demo):
    samples = Event.objects.filter(is_sample=True)
    assert samples.count() == Event.objects.upcoming().filter(is_sample=True).count()
    languages = {code for event in samples for code in event.languages}
    assert {"lv", "en", "uk", "ru"} <= languages
    assert len(languages) >= 6
    assert {Event.Kind.SEMINAR, Event.Kind.LANGUAGE_CAFE, Event.Kind.WORKSHOP, Event.Kind.INFORMATION_SESSION} <= set(
        samples.values_list("kind", flat=True)
    )
    assert samples.filter(status=Event.Status.CANCELLED).count() == 1
    assert samples.filter(registration_required=True, capacity__gt=0).count() >= 3
    hosts = {event.place.city for event in samples.select_related("organiser", "venue_organisation")}
    assert hosts == LIBRARY_CITIES
    first = samples.earliest("starts_at")
    assert timezone.localtime(first.starts_at, RIGA).date() == datetime.date(2026, 12, 1)


def test_sample_initiatives_cover_the_ten_library_cities_beside_their_hosts(demo):
    initiatives = Initiative.objects.published().select_related("host")
    assert initiatives.count() == Initiative.objects.count()
    assert set(initiatives.values_list("city", flat=True)) == LIBRARY_CITIES
    assert len(set(initiatives.values_list("category", flat=True))) >= 6
    points = set()
    for initiative in initiatives:
        assert initiative.host.city == initiative.city
        assert abs(initiative.latitude - initiative.host.latitude) < Decimal("0.01")
        assert abs(initiative.longitude - initiative.host.longitude) < Decimal("0.01")
        assert (initiative.latitude, initiative.longitude) != (initiative.host.latitude, initiative.host.longitude)
        points.add((initiative.latitude, initiative.longitude))
    assert len(points) == initiatives.count()


def test_sample_resources_are_published_and_of_every_main_kind(demo):
    assert Resource.objects.published().count() == Resource.objects.count()
    assert set(Resource.objects.values_list("kind", flat=True)) >= {
        Resource.Kind.GUIDE,
        Resource.Kind.TOOLKIT,
        Resource.Kind.GOOD_PRACTICE,
        Resource.Kind.CHECKLIST,
        Resource.Kind.STRATEGY,
        Resource.Kind.ONLINE_TOOL,
    }
    assert Resource.objects.get(kind=Resource.Kind.ONLINE_TOOL).external_url.startswith("https://")
    checklist = Resource.objects.get(kind=Resource.Kind.CHECKLIST)
    assert "IFLA Guidelines for Libraries Supporting Displaced Persons" in checklist.summary_en
    good_practice = Resource.objects.get(kind=Resource.Kind.GOOD_PRACTICE)
    assert set(good_practice.related_organisations.values_list("slug", flat=True)) == {
        "ogre-central-library",
        "ogre-municipality-social-service",
        "latvian-red-cross-ogre-office",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_human_text_is_written_in_all_four_languages(demo, model):
    fields = translator.get_options_for_model(model).fields
    title = {Organisation: "name", GoodPractice: "need"}.get(model, "title")
    assert model.objects.exists()
    for record in model.objects.all():
        assert all(getattr(record, f"{title}_{code}") for code in LANGUAGES), record
        for field in fields:
            filled = [bool(getattr(record, f"{field}_{code}")) for code in LANGUAGES]
            assert all(filled) or not any(filled), (record, field)


def test_slugs_are_ascii(demo):
    for model in SLUGGED_MODELS:
        for slug in model.objects.values_list("slug", flat=True):
            assert slug.isascii(), slug


@pytest.mark.parametrize(
    ("language", "name", "other_names"),
    [
        ("ru", "Центр культурных информационных систем", ("Центр систем культурной информации",)),
        ("uk", "Центр культурних інформаційних систем", ("Центр систем культурної інформації",)),
    ],
)
def test_kisc_has_one_name_on_every_page_that_names_it(demo, client, language, name, other_names):
    for page in ("about", "privacy", "accessibility", "open_data"):
        with translation.override(language):
            html = " ".join(client.get(reverse(page)).content.decode().split())
        assert f"{name} (KISC)" in html or f"{name} (Kultūras" in html, page
        assert not any(other in html for other in other_names), page
