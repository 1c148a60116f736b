"""The audit trail's list of versions shows each change's values as a person reads them, in a constant number of
queries however long the history."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Event
from partners.models import StaffMembership
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


def changes(page):
    """Each version's changes, newest first, as "Field: old → new" lines."""
    table = page.split('<table id="change-history"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("<tr>")[1:]
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
            for item in re.findall(r"(?s)<li>(.*?)</li>", row)
        ]
        for row in rows
    ]


def history_page(user, obj, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    opts = obj._meta
    return client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])).content.decode()


@pytest.fixture
def published_event(admin_user):
    """A draft with no venue organisation, no capacity and no audience, then published with all three."""
    event = EventFactory(
        status=Event.Status.DRAFT,
        venue_organisation=None,
        capacity=None,
        audience=[],
        registration_required=False,
        starts_at=datetime.datetime(2026, 3, 2, 16, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC),
    )
    event.status = Event.Status.PUBLISHED
    event.venue_organisation = OrganisationFactory(name="Ogres Centrālā bibliotēka", short_name="")
    event.capacity = 20
    event.audience = ["tcn", "librarians"]
    event.registration_required = True
    event.starts_at = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
    event._history_user = admin_user
    event.save()
    return event


def test_a_change_shows_choice_labels_related_names_yes_or_no_and_empty_for_nothing(admin_user, published_event):
    newest, created = changes(history_page(admin_user, published_event))

    assert created == []
    assert "Status: Draft → Published" in newest
    assert "Venue organisation: (empty) → Ogres Centrālā bibliotēka" in newest
    assert "Capacity: (empty) → 20" in newest
    assert "Audience: (empty) → Third-country nationals, Librarians" in newest
    assert "Registration required: No → Yes" in newest
    # In the portal's time zone (Riga, UTC+2 in March), as the admin writes a time.
    assert "Starts at: March 2, 2026, 6 p.m. → March 2, 2026, 5 p.m." in newest
    shown = " ".join(newest)
    for raw in ("draft", "published", "None", "True", "False", "tcn", "pk=", "+00:00"):
        assert raw not in shown


@pytest.mark.parametrize(
    ("language", "status", "empty"),
    [
        ("lv", "Statuss: Melnraksts → Publicēts", "(tukšs)"),
        ("uk", "Статус: Чернетка → Опубліковано", "(порожньо)"),
        ("ru", "Статус: Черновик → Опубликовано", "(пусто)"),
    ],
)
def test_the_values_of_a_change_are_in_the_admins_language(admin_user, published_event, language, status, empty):
    newest, _created = changes(history_page(admin_user, published_event, language))

    assert status in newest
    assert any(f": {empty} → 20" in change for change in newest)


def test_a_co_organiser_deleted_since_is_named_by_its_kind_and_id(admin_user):
    event = EventFactory()
    gone = OrganisationFactory(name="Slēgtā bibliotēka")
    event._history_user = admin_user
    event.co_organisers.add(gone, OrganisationFactory(name="Jelgavas pilsētas bibliotēka", short_name=""))
    gone_id = gone.pk
    gone.delete()

    newest, _created = changes(history_page(admin_user, event))

    assert newest == [
        f"Co-organisers: (empty) → Jelgavas pilsētas bibliotēka, Organisation {gone_id} (no longer exists)"
    ]


@pytest.mark.parametrize(
    ("language", "left_out"),
    [
        ("en", "[118 characters left out]"),
        ("lv", "[izlaistas 118 rakstzīmes]"),
        ("uk", "[пропущено 118 символів]"),
        ("ru", "[пропущено 118 символов]"),
    ],
)
def test_a_long_value_is_shortened_saying_how_much_is_left_out_in_the_admins_language(admin_user, language, left_out):
    event = EventFactory(venue=Event.Venue.ADDRESS, online_url="")
    event.venue, event.online_url = Event.Venue.ONLINE, "https://www.example.org/" + "x" * 160
    event.save()

    newest, _created = changes(history_page(admin_user, event, language))

    link = next(change for change in newest if "https://www.example.org/" in change)
    assert f"x{left_out}x" in link


def change_event(event, times, user):
    """`times` edits of the event's status, venue organisation and co-organisers, as staff make them."""
    for step in range(times):
        event.status = Event.Status.PUBLISHED if step % 2 else Event.Status.DRAFT
        event.venue_organisation = OrganisationFactory() if step % 2 else None
        event._history_user = user
        event.save()
        event.co_organisers.add(OrganisationFactory())


def change_membership(membership, times):
    for step in range(times):
        membership.role = StaffMembership.Role.COORDINATOR if step % 2 else StaffMembership.Role.LIBRARIAN
        membership.organisation = OrganisationFactory()
        membership.save()


@pytest.mark.parametrize(
    ("build", "change"),
    [
        (EventFactory, lambda event, times, user: change_event(event, times, user)),
        (StaffMembershipFactory, lambda membership, times, user: change_membership(membership, times)),
    ],
    ids=["event", "staff membership"],
)
def test_the_history_list_runs_as_many_queries_for_many_versions_as_for_two(
    admin_user, django_assert_max_num_queries, build, change
):
    short, long = build(), build()
    change(short, 1, admin_user)
    change(long, 20, admin_user)
    client = Client()
    client.force_login(admin_user)
    opts = short._meta

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[short.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[long.pk]))

    assert response.status_code == 200
    assert len([row for row in changes(response.content.decode()) if row]) >= 20
