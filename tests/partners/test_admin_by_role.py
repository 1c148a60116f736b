"""Every page of the real admin of each organisation-scoped model, for a librarian and for a coordinator.

tests/partners/test_scope.py checks the mixin on an admin site of its own; this checks that the project's admins
use it the way the mixin expects (their own queryset, templates, inlines and extra columns included).
"""

import datetime

import pytest
from django.urls import reverse

from resources.models import Strategy
from tests.factories import EventFactory, InitiativeFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def strategy_of(library):
    return Strategy.objects.create(
        title=f"{library} stratēģija",
        slug=f"strategija-{library.slug}",
        library=library,
        status=Strategy.Status.ADOPTED,
        adopted_on=datetime.date(2025, 6, 1),
    )


# admin URL prefix -> how to make a row that belongs to an organisation
OWNED_ROWS = {
    "activities_event": lambda organisation: EventFactory(organiser=organisation),
    "mapping_initiative": lambda organisation: InitiativeFactory(host=organisation),
    "resources_resource": lambda organisation: ResourceFactory(owner=organisation),
    "resources_strategy": strategy_of,
}

ROLE_VIEW_EXPECTATIONS = [
    # (view, object, librarian status, coordinator status)
    ("changelist", None, 200, 200),
    ("add", None, 200, 200),
    ("change", "own", 200, 200),
    ("change", "other", 403, 200),
    ("delete", "own", 200, 200),
    ("delete", "other", 403, 200),
    ("history", "own", 200, 200),
    ("history", "other", 403, 200),
]


@pytest.mark.parametrize("model", OWNED_ROWS)
@pytest.mark.parametrize("role", ["librarian", "coordinator"])
@pytest.mark.parametrize(("view", "target", "as_librarian", "as_coordinator"), ROLE_VIEW_EXPECTATIONS)
def test_every_admin_view_answers_each_role(
    client, request, ogre, jelgava, model, role, view, target, as_librarian, as_coordinator
):
    rows = {"own": OWNED_ROWS[model](ogre), "other": OWNED_ROWS[model](jelgava)}
    client.force_login(request.getfixturevalue(role))
    args = () if target is None else (rows[target].pk,)

    response = client.get(reverse(f"admin:{model}_{view}", args=args))

    assert response.status_code == (as_librarian if role == "librarian" else as_coordinator)


@pytest.mark.parametrize("model", OWNED_ROWS)
def test_the_librarian_changelist_lists_only_her_librarys_rows(librarian_client, ogre, jelgava, model):
    own = OWNED_ROWS[model](ogre)
    OWNED_ROWS[model](jelgava)

    response = librarian_client.get(reverse(f"admin:{model}_changelist"))

    assert [row.pk for row in response.context["cl"].result_list] == [own.pk]


def test_a_librarian_cannot_publish_a_guide_for_another_library(librarian_client, ogre, jelgava):
    data = {
        "kind": "guide",
        "title_lv": "Ceļvedis jaunpienācējiem",
        "slug": "celvedis-jaunpienacejiem",
        "owner": jelgava.pk,
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
        "good_practice-TOTAL_FORMS": "0",
        "good_practice-INITIAL_FORMS": "0",
    }

    response = librarian_client.post(reverse("admin:resources_resource_add"), data)

    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    data["owner"] = ogre.pk
    response = librarian_client.post(reverse("admin:resources_resource_add"), data)
    assert response.status_code == 302
    assert ogre.published_resources.get().slug == "celvedis-jaunpienacejiem"


def test_the_guide_owner_is_her_library_by_default(librarian_client, ogre):
    response = librarian_client.get(reverse("admin:resources_resource_add"))

    form = response.context["adminform"].form
    assert form.initial["owner"] == ogre.pk
    assert list(form.fields["owner"].queryset) == [ogre]


def test_related_events_and_strategy_documents_offer_only_her_librarys_rows(librarian_client, ogre, jelgava):
    own_event = EventFactory(organiser=ogre)
    EventFactory(organiser=jelgava)
    own_document = ResourceFactory(owner=ogre, kind="strategy")
    ResourceFactory(owner=jelgava, kind="strategy")

    resource_page = librarian_client.get(reverse("admin:resources_resource_add")).context
    strategy_page = librarian_client.get(reverse("admin:resources_strategy_add")).context

    assert list(resource_page["adminform"].form.fields["related_events"].queryset) == [own_event]
    strategy_form = strategy_page["adminform"].form
    assert list(strategy_form.fields["library"].queryset) == [ogre]
    assert list(strategy_form.fields["document"].queryset) == [own_document]
    (action_items,) = strategy_page["inline_admin_formsets"]
    assert list(action_items.formset.form.base_fields["events"].queryset) == [own_event]
    # Any organisation may be responsible for an action or be where a good practice comes from.
    assert set(action_items.formset.form.base_fields["responsible"].queryset) == {ogre, jelgava}


@pytest.mark.parametrize("role", ["librarian", "coordinator"])
def test_the_user_tools_link_to_the_dashboard_and_two_step_login(client, request, role):
    client.force_login(request.getfixturevalue(role))

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{reverse("staff:dashboard")}"' in page
    assert f'href="{reverse("admin:partners_two_factor_setup")}"' in page
    assert client.get(reverse("admin:partners_two_factor_setup")).status_code == 200
