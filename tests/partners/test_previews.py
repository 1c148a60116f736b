"""Unpublished pages on the public site: previews only for staff whose admin scope includes them and who passed both
steps of the login (partners.previews), and "View on site" in the admin held to the same scope."""

import datetime
import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from activities.models import Event
from mapping.models import Initiative
from resources.models import Strategy
from tests.factories import EventFactory, InitiativeFactory, ResourceFactory, ResourceFileFactory
from tests.partners.helpers import PASSWORD, current_code, force_login_with_code, staff_member

pytestmark = pytest.mark.django_db


def draft_event(library):
    return EventFactory(organiser=library, status=Event.Status.DRAFT)


def pending_initiative(library):
    return InitiativeFactory(host=library, status=Initiative.Status.PENDING)


def draft_resource(library):
    return ResourceFactory(owner=library, published_on=None)


def draft_strategy(library):
    return Strategy.objects.create(title="Stratēģija", slug=f"strategija-{library.slug}", library=library)


def file_of_a_draft(library):
    return ResourceFileFactory(resource=draft_resource(library))


# kind -> (how to make an unpublished row of a library, the public address of its page)
UNPUBLISHED = {
    "event": (draft_event, lambda event: event.get_absolute_url()),
    "event poster": (draft_event, lambda event: reverse("activities:event_poster", kwargs={"slug": event.slug})),
    "event calendar file": (draft_event, lambda event: reverse("activities:event_ics", kwargs={"slug": event.slug})),
    "initiative": (pending_initiative, lambda initiative: initiative.get_absolute_url()),
    "resource": (draft_resource, lambda resource: resource.get_absolute_url()),
    "file of a draft resource": (file_of_a_draft, lambda resource_file: resource_file.get_absolute_url()),
    "strategy": (draft_strategy, lambda strategy: strategy.get_absolute_url()),
}


@pytest.mark.parametrize("kind", UNPUBLISHED)
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("anonymous", 404, 404), ("librarian", 200, 404), ("coordinator", 200, 200), ("superuser", 200, 200)],
)
def test_an_unpublished_page_is_shown_only_to_staff_whose_scope_includes_it(
    client, request, ogre, jelgava, kind, role, own, other
):
    make, address = UNPUBLISHED[kind]
    rows = {"own": make(ogre), "other": make(jelgava)}
    if role != "anonymous":
        force_login_with_code(client, request.getfixturevalue(role))

    answers = {which: client.get(address(row)) for which, row in rows.items()}

    assert (answers["own"].status_code, answers["other"].status_code) == (own, other)
    for answer in answers.values():
        if answer.status_code == 200:
            assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]


@pytest.mark.parametrize("kind", UNPUBLISHED)
@pytest.mark.parametrize("role", ["librarian", "coordinator", "superuser"])
def test_a_password_without_the_one_time_password_shows_no_unpublished_page(client, request, ogre, kind, role):
    make, address = UNPUBLISHED[kind]
    row = make(ogre)
    client.force_login(request.getfixturevalue(role))

    response = client.get(address(row))

    # A page is sent to the two-step login she lacks (below), a file download is just not found.
    assert response.status_code == (404 if kind == "file of a draft resource" else 302)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:partners_two_factor_setup"))
        assert "no-store" in response["Cache-Control"]


def test_the_draft_opens_once_the_code_from_the_authenticator_is_given(client, ogre, librarian):
    event = draft_event(ogre)
    authenticator = TOTPDevice.objects.create(user=librarian, name="Phone", confirmed=True)
    client.post(reverse("admin:login"), {"username": librarian.username, "password": PASSWORD})

    after_the_password = client.get(event.get_absolute_url())
    client.post(reverse("admin:partners_two_factor_verify"), {"token": current_code(authenticator)})
    after_the_code = client.get(event.get_absolute_url())

    assert (after_the_password.status_code, after_the_code.status_code) == (302, 200)
    assert after_the_password["Location"] == (
        f"{reverse('admin:partners_two_factor_verify')}?{urlencode({'next': event.get_absolute_url()})}"
    )


def test_a_librarian_of_another_library_does_not_see_the_draft_either(client, ogre, jelgava, librarian):
    jelgava_librarian = staff_member(jelgava, "librarian", "jelgava-librarian")
    event = draft_event(ogre)

    force_login_with_code(client, jelgava_librarian)
    other_library = client.get(event.get_absolute_url())
    force_login_with_code(client, librarian)
    own_library = client.get(event.get_absolute_url())

    assert (other_library.status_code, own_library.status_code) == (404, 200)


def test_a_preview_of_a_file_does_not_count_as_a_download(client, ogre, librarian):
    resource_file = file_of_a_draft(ogre)
    force_login_with_code(client, librarian)

    client.get(resource_file.get_absolute_url())

    resource_file.refresh_from_db()
    assert resource_file.download_count == 0


def test_a_published_page_is_the_same_for_everyone(client, ogre, jelgava, librarian):
    event = EventFactory(organiser=jelgava, starts_at=datetime.datetime(2030, 5, 5, 10, tzinfo=datetime.UTC))
    client.force_login(librarian)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def view_on_site(row):
    content_type = ContentType.objects.get_for_model(row)
    return reverse("admin:view_on_site", kwargs={"content_type_id": content_type.pk, "object_id": row.pk})


@pytest.mark.parametrize("kind", ["event", "initiative", "resource", "strategy"])
@pytest.mark.parametrize(("role", "own", "other"), [("librarian", 302, 403), ("coordinator", 302, 302)])
def test_view_on_site_redirects_only_to_pages_of_rows_in_her_scope(
    client, request, ogre, jelgava, kind, role, own, other
):
    make, _address = UNPUBLISHED[kind]
    rows = {"own": make(ogre), "other": make(jelgava)}
    client.force_login(request.getfixturevalue(role))

    answers = {which: client.get(view_on_site(row)) for which, row in rows.items()}

    assert (answers["own"].status_code, answers["other"].status_code) == (own, other)
    assert answers["own"]["Location"].endswith(rows["own"].get_absolute_url())
    if other == 403:
        assert rows["other"].slug not in answers["other"].content.decode()


@pytest.mark.parametrize(("content_type", "object_id"), [("abc", "1"), ("1", "abc"), ("99999", "1"), ("1", "1.5")])
def test_view_on_site_with_odd_ids_is_not_found(admin_client, content_type, object_id):
    url = reverse("admin:view_on_site", kwargs={"content_type_id": content_type, "object_id": object_id})

    assert admin_client.get(url).status_code == 404


def test_view_on_site_of_a_model_without_an_admin_is_not_found(admin_client, ogre):
    from partners.models import StaffMembership

    tally_type = ContentType.objects.get(app_label="activities", model="registrationtally")
    membership_type = ContentType.objects.get_for_model(StaffMembership)

    assert admin_client.get(reverse("admin:view_on_site", args=[tally_type.pk, 1])).status_code == 404
    assert admin_client.get(reverse("admin:view_on_site", args=[membership_type.pk, 99999])).status_code == 404


SETUP_MESSAGE = {
    "lv": "Šī lapa vēl nav publicēta. Nepublicētas lapas darbiniekiem tiek rādītas tikai pēc abiem pieslēgšanās "
    "soļiem, bet jūsu kontam vēl nav piesaistīta autentifikācijas lietotne",
    "en": "This page is not published yet. Unpublished pages are shown to staff only after both steps of the login, "
    "and your account has no authenticator app yet",
    "uk": "Ця сторінка ще не опублікована. Неопубліковані сторінки працівникам показуються лише після обох кроків "
    "входу, а до вашого облікового запису ще не підключено застосунок автентифікації",
    "ru": "Эта страница ещё не опубликована. Неопубликованные страницы сотрудникам показываются только после обоих "
    "шагов входа, а к вашей учётной записи ещё не подключено приложение-аутентификатор",
}


@pytest.mark.parametrize("language", SETUP_MESSAGE)
@pytest.mark.parametrize("kind", ["event", "initiative"])
def test_view_on_site_of_a_draft_sends_staff_without_an_authenticator_to_set_one_up_saying_why(
    client, ogre, librarian, kind, language
):
    make, address = UNPUBLISHED[kind]
    row = make(ogre)
    client.force_login(librarian)  # the password alone: she has no authenticator app
    with translation.override(language):
        page = address(row)

    answer = client.get(view_on_site(row), headers={"accept-language": language}, follow=True)

    setup = f"{reverse('admin:partners_two_factor_setup')}?{urlencode({'next': page})}"
    (draft, _status), (step, _status) = answer.redirect_chain[-2:]
    assert (draft.endswith(page), step) == (True, setup)
    assert answer.status_code == 200
    message = answer.content.decode().split('<ul class="messagelist">')[1].split("</ul>")[0]
    assert SETUP_MESSAGE[language] in message


def test_once_her_authenticator_is_set_up_the_draft_opens(client, ogre, librarian):
    event = draft_event(ogre)
    client.force_login(librarian)
    setup = client.get(event.get_absolute_url(), follow=True)
    device = TOTPDevice.objects.get(user=librarian, confirmed=False)  # the one the setup page shows

    confirmed = client.post(setup.redirect_chain[-1][0], {"token": current_code(device)})
    onwards = re.search(r'<a href="([^"]+)" class="button">', confirmed.content.decode()).group(1)

    assert html.unescape(onwards) == event.get_absolute_url()
    assert client.get(event.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", ["event", "initiative"])
def test_a_draft_stays_not_found_for_visitors_and_for_staff_it_is_not_for(client, ogre, jelgava, kind):
    make, address = UNPUBLISHED[kind]
    row = make(ogre)
    anonymous = client.get(address(row))
    client.force_login(staff_member(jelgava, "librarian", "jelgava-librarian"))  # no authenticator either
    other_library = client.get(address(row))

    assert (anonymous.status_code, other_library.status_code) == (404, 404)
    assert not list(other_library.wsgi_request._messages)
