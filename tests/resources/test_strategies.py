import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from activities.models import Event
from partners.models import StaffMembership
from resources.models import GoodPractice, Resource, Strategy
from tests.factories import (
    ActionItemFactory,
    AgreementFactory,
    EventFactory,
    OrganisationFactory,
    ResourceFileFactory,
    StrategyFactory,
)
from tests.partners.helpers import staff_member
from tests.resources.helpers import form_data

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"resources:{name}", kwargs=kwargs or None)


def test_strategy_page_shows_partners_agreements_document_and_action_plan_progress(client, make_resource):
    library = OrganisationFactory(name="Ogres Centrālā bibliotēka")
    social_service = OrganisationFactory(name="Ogres novada Sociālais dienests", kind="municipal_service")
    agreement = AgreementFactory(title="Nodomu protokols", parties=[library, social_service])
    document = make_resource(kind="strategy", title="Ogres stratēģija")
    ResourceFileFactory(resource=document, language="uk", format="pdf", size=2048)
    strategy = StrategyFactory(title="Ogres integrācijas stratēģija", library=library, document=document)
    strategy.partners.add(social_service)
    strategy.agreements.add(agreement)
    event = EventFactory(title="Informatīvs seminārs")
    draft_event = EventFactory(title="Neizsludināts", status=Event.Status.DRAFT)
    done = ActionItemFactory(strategy=strategy, title="Seminārs jaunpienācējiem", status="done", responsible=library)
    done.events.add(event, draft_event)
    ActionItemFactory(strategy=strategy, title="Valodas kafejnīca", status="in_progress")
    ActionItemFactory(strategy=strategy, title="Ceļvedis ukraiņu valodā", status="planned")
    ActionItemFactory(strategy=strategy, title="Tikšanās ar NVO", status="planned")

    response = client.get(strategy.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 lang="lv">Ogres integrācijas stratēģija</h1>' in content
    assert "1 of 4 actions done" in content
    assert '<progress id="progress-' in content and 'max="4" value="1"' in content
    assert "In progress: 1 · planned: 2" in content
    assert f'href="{social_service.get_absolute_url()}"' in content
    assert f'href="{agreement.get_absolute_url()}"' in content
    assert f'href="{document.get_absolute_url()}"' in content
    assert url("file_download", pk=document.files.get().pk) in content
    assert f'href="{event.get_absolute_url()}"' in content
    assert "Neizsludināts" not in content


def test_only_adopted_strategies_are_public(client):
    adopted = StrategyFactory(title="Pieņemta")
    draft = StrategyFactory(title="Melnraksts", status=Strategy.Status.DRAFT, adopted_on=None)

    response = client.get(url("strategy_list"))

    assert [s.pk for s in response.context["strategies"]] == [adopted.pk]
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_strategy_pages_run_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    strategy = StrategyFactory()
    for number in range(rows):
        item = ActionItemFactory(
            strategy=strategy, responsible=OrganisationFactory(), status="done" if number % 2 else "planned"
        )
        item.events.add(EventFactory())
        StrategyFactory(title=f"Stratēģija {number}")

    with django_assert_max_num_queries(3):
        assert client.get(url("strategy_list")).status_code == 200
    # strategy + partners + agreements + document files + items with responsible + their events
    with django_assert_max_num_queries(6):
        assert client.get(strategy.get_absolute_url()).status_code == 200


def test_good_practice_record_shows_its_structured_sections(client, make_resource):
    library = OrganisationFactory(name="Jelgavas pilsētas bibliotēka")
    practice = make_resource(kind="good_practice", title="Sarunu klubs")
    GoodPractice.objects.create(
        resource=practice,
        country="LV",
        library=library,
        need_en="Newcomers lacked chances to speak Latvian.",
        what_was_done_en="A weekly conversation club run by volunteers.",
        results_en="Twelve regular participants after three months.",
        contact="biblioteka@example.org",
        how_to_transfer_en="Needs a room and one trained volunteer.",
    )

    content = client.get(practice.get_absolute_url()).content.decode()

    assert "The practice in detail" in content
    assert '<h3 lang="en">Need addressed</h3>' in content
    assert "A weekly conversation club run by volunteers." in content
    assert "How to transfer it elsewhere" in content
    assert "Resources needed" not in content
    assert f'href="{library.get_absolute_url()}"' in content
    assert "Latvia" in content


def test_admin_creates_a_strategy_with_an_action_plan(admin_client):
    library = OrganisationFactory()
    event = EventFactory()
    data = {
        "title_lv": "Stratēģija",
        "title_en": "",
        "title_uk": "",
        "title_ru": "",
        "slug": "strategija",
        "summary_lv": "",
        "summary_en": "",
        "summary_uk": "",
        "summary_ru": "",
        "library": str(library.pk),
        "municipality": "Ogres novads",
        "status": "adopted",
        "adopted_on": "",
        "action_items-TOTAL_FORMS": "1",
        "action_items-INITIAL_FORMS": "0",
        "action_items-MIN_NUM_FORMS": "0",
        "action_items-MAX_NUM_FORMS": "1000",
        "action_items-0-position": "1",
        "action_items-0-title_lv": "Seminārs",
        "action_items-0-status": "done",
        "action_items-0-events": [str(event.pk)],
        "action_items-0-due_on": "2025-11-01",
    }
    add_url = reverse("admin:resources_strategy_add")

    response = admin_client.post(add_url, data)
    assert response.status_code == 200
    assert "Give the date the strategy was adopted." in response.content.decode()

    data["adopted_on"] = "2025-06-01"
    response = admin_client.post(add_url, data)
    assert response.status_code == 302
    strategy = Strategy.objects.get(slug="strategija")
    assert list(strategy.action_items.get().events.all()) == [event]


def test_resource_slugs_cannot_take_the_library_own_paths(admin_client):
    response = admin_client.post(reverse("admin:resources_resource_add"), form_data(slug="strategies"))

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("slug", code="reserved_slug")
    assert not Resource.objects.exists()


def test_adopted_on_is_required_by_the_database_too():
    with pytest.raises(IntegrityError):
        StrategyFactory(adopted_on=None, status=Strategy.Status.ADOPTED)


def strategy_form(strategy, **overrides):
    data = {
        "title_lv": strategy.title_lv,
        "slug": strategy.slug,
        "library": str(strategy.library_id),
        "municipality": strategy.municipality,
        "status": strategy.status,
        "adopted_on": strategy.adopted_on.isoformat() if strategy.adopted_on else "",
        "action_items-TOTAL_FORMS": "0",
        "action_items-INITIAL_FORMS": "0",
        "action_items-MIN_NUM_FORMS": "0",
        "action_items-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_a_librarian_links_her_librarys_agreements_and_keeps_those_a_coordinator_linked(client):
    ogre, jelgava, red_cross, kisc = OrganisationFactory.create_batch(4)
    librarian = staff_member(ogre, StaffMembership.Role.LIBRARIAN, "ogre-librarian")
    ours = AgreementFactory(title_lv="Ogres memorands", parties=[ogre, red_cross])
    theirs = AgreementFactory(title_lv="Jelgavas līgums", parties=[jelgava, red_cross])
    national = AgreementFactory(title_lv="KISC līgums", parties=[kisc, red_cross])
    strategy = StrategyFactory(library=ogre)
    strategy.agreements.add(national)  # linked by a coordinator
    change_url = reverse("admin:resources_strategy_change", args=[strategy.pk])
    client.force_login(librarian)

    page = client.get(change_url).content.decode()
    refused = client.post(change_url, strategy_form(strategy, agreements=[ours.pk, theirs.pk]))
    saved = client.post(change_url, strategy_form(strategy, agreements=[ours.pk, national.pk]))

    assert 'type="checkbox" name="agreements"' in page
    assert "Ogres memorands" in page and "KISC līgums" in page and "Jelgavas līgums" not in page
    assert refused.status_code == 200 and refused.context["adminform"].form.has_error("agreements")
    assert saved.status_code == 302
    assert set(strategy.agreements.all()) == {ours, national}
