import pytest
from django.urls import reverse
from django.utils import translation

from resources.models import GoodPractice
from resources.services import good_practice_delete, good_practice_save
from tests.factories import OrganisationFactory
from tests.resources.helpers import form_data

pytestmark = pytest.mark.django_db


def list_url(language="en"):
    with translation.override(language):
        return reverse("resources:resource_list")


def slugs(response):
    return [resource.slug for resource in response.context["resources"]]


def facet(response, name):
    found = [f for f in response.context["facets"] if f.name == name]
    if not found:
        return None
    return {option.value: (option.label, option.count, option.checked) for option in found[0].options}


@pytest.fixture
def make_practice(make_resource):
    def make(slug, *, country="LV", library=None, **texts):
        resource = make_resource(slug=slug, kind="good_practice", title=f"Prakse {slug}")
        return good_practice_save(
            good_practice=GoodPractice(resource=resource, country=country, library=library, **texts)
        )

    return make


def test_good_practices_are_filtered_by_country_and_by_library(client, make_resource, make_practice):
    ogre = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre")
    jelgava = OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava")
    make_practice("ogre-club", library=ogre)
    make_practice("ogre-desk", library=ogre)
    make_practice("jelgava-club", library=jelgava)
    make_practice("milan-club", country="IT")
    make_resource(slug="guide", kind="guide")

    assert sorted(slugs(client.get(list_url(), {"country": "IT"}))) == ["milan-club"]
    assert sorted(slugs(client.get(list_url(), {"library": "ogre"}))) == ["ogre-club", "ogre-desk"]
    assert sorted(slugs(client.get(list_url(), {"library": ["ogre", "jelgava"]}))) == [
        "jelgava-club",
        "ogre-club",
        "ogre-desk",
    ]
    assert slugs(client.get(list_url(), {"country": "IT", "library": "ogre"})) == []


def test_country_and_library_facets_count_the_practices_and_stay_in_the_url(client, make_resource, make_practice):
    ogre = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre")
    jelgava = OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava")
    make_practice("ogre-club", library=ogre)
    make_practice("ogre-desk", library=ogre)
    make_practice("jelgava-club", library=jelgava)
    make_practice("milan-club", country="IT")

    response = client.get(list_url(), {"library": "ogre"})

    # Each facet ignores its own choice and follows the other: Italy's practice has no library.
    assert facet(response, "library") == {
        "jelgava": ("Jelgavas pilsētas bibliotēka", 1, False),
        "ogre": ("Ogres Centrālā bibliotēka", 2, True),
    }
    assert facet(response, "country") == {"LV": ("Latvia", 2, False)}
    assert facet(client.get(list_url()), "country") == {"LV": ("Latvia", 3, False), "IT": ("Italy", 1, False)}
    content = response.content.decode()
    assert 'name="library" value="ogre" id="facet-library-ogre" checked' in content
    assert "Library (good practices)" in content


def test_practice_facets_are_left_out_when_no_result_is_a_good_practice(client, make_resource):
    make_resource(slug="guide", kind="guide")

    response = client.get(list_url())

    assert facet(response, "country") is None and facet(response, "library") is None
    assert "Country (good practices)" not in response.content.decode()


def test_an_unknown_country_is_a_400_and_an_unknown_library_too(client, make_practice):
    make_practice("ogre-club")

    assert client.get(list_url(), {"country": "XX"}).status_code == 400
    assert client.get(list_url(), {"library": "no-such-library"}).status_code == 400


def test_a_library_without_practices_any_more_finds_nothing_but_stays_ticked(client, make_practice):
    OrganisationFactory(name="Saldus novada bibliotēka", slug="saldus")
    make_practice("ogre-club")

    response = client.get(list_url(), {"library": "saldus"})

    assert response.status_code == 200
    assert slugs(response) == []
    assert facet(response, "library") == {"saldus": ("Saldus novada bibliotēka", 0, True)}


def test_the_structured_text_of_a_practice_is_searched_in_every_language(client, make_practice):
    make_practice(
        "club",
        need_lv="Jaunpienācējiem trūka iespēju runāt latviski ārpus kursiem.",
        what_was_done_en="A weekly conversation club led by volunteers.",
        results_uk="Дванадцять постійних учасників.",
        how_to_transfer_ru="Нужна комната и обученный волонтёр.",
    )
    make_practice("other", need_lv="Cits stāsts.")

    # Latvian without diacritics, English, Ukrainian and Russian words found only in the record's sections.
    assert slugs(client.get(list_url("lv"), {"q": "truka iespeju"})) == ["club"]
    assert slugs(client.get(list_url(), {"q": "volunteers"})) == ["club"]
    assert slugs(client.get(list_url("uk"), {"q": "учасників"})) == ["club"]
    assert slugs(client.get(list_url("ru"), {"q": "волонтёр"})) == ["club"]


def test_deleting_a_record_takes_its_text_out_of_search(client, make_practice):
    practice = make_practice("club", need_en="Newcomers lacked a quiet place to study.")
    assert slugs(client.get(list_url(), {"q": "quiet"})) == ["club"]

    good_practice_delete(good_practice=practice)

    assert slugs(client.get(list_url(), {"q": "quiet"})) == []


def test_a_record_added_in_the_admin_is_searchable_at_once(admin_client):
    library = OrganisationFactory()
    data = form_data(kind="good_practice", slug="sarunu-klubs")
    data.update(
        {
            "good_practice-TOTAL_FORMS": "1",
            "good_practice-0-country": "LV",
            "good_practice-0-library": str(library.pk),
            "good_practice-0-contact": "",
            **{
                f"good_practice-0-{name}_{code}": ""
                for name in (
                    "need",
                    "what_was_done",
                    "partners_involved",
                    "resources_needed",
                    "results",
                    "how_to_transfer",
                )
                for code in ("lv", "en", "uk", "ru")
            },
            "good_practice-0-results_lv": "Divpadsmit pastāvīgi dalībnieki pēc trim mēnešiem.",
        }
    )

    response = admin_client.post(reverse("admin:resources_resource_add"), data)

    assert response.status_code == 302
    assert GoodPractice.objects.get().library == library
    listing = admin_client.get(list_url("lv"), {"q": "pastavigi dalibnieki"})
    assert slugs(listing) == ["sarunu-klubs"]
    assert slugs(admin_client.get(list_url("lv"), {"library": library.slug})) == ["sarunu-klubs"]


@pytest.mark.parametrize("rows", [5, 50])
def test_practice_facets_and_filters_run_a_constant_number_of_queries(
    client, make_practice, django_assert_max_num_queries, rows
):
    libraries = [OrganisationFactory() for _ in range(3)]
    for number in range(rows):
        make_practice(f"practice-{number}", library=libraries[number % 3], country="LV" if number % 2 else "EE")

    # count + page + files prefetch + 4 facets + country and library facets = 9; the chosen library is looked up
    # once as the filter is validated = 10.
    with django_assert_max_num_queries(10):
        response = client.get(list_url(), {"library": libraries[0].slug, "country": ["LV", "EE"]})
    assert response.status_code == 200
    assert len(response.context["resources"]) == min(len(range(0, rows, 3)), 12)
    assert len(facet(response, "library")) == 3
