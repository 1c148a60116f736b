import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance, Event
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.activities.helpers import RIGA, change_form, riga
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:activities_event_changelist"


@pytest.fixture
def library():
    return OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre-library")


@pytest.fixture
def librarian(library):
    membership = StaffMembershipFactory(organisation=library, role=StaffMembership.Role.LIBRARIAN)
    sync_user_groups(membership.user)
    return membership.user


@pytest.fixture
def librarian_client(client, librarian):
    client.force_login(librarian)
    return client


@pytest.fixture
def language_cafe(library):
    event = EventFactory(
        slug="valodas-kafejnica",
        title_lv="Valodas kafejnīca",
        title_uk="Мовне кафе",
        organiser=library,
        starts_at=riga(2025, 10, 14, 18),
        ends_at=riga(2025, 10, 14, 19, 30),
        languages=["lv", "uk"],
        capacity=12,
    )
    event.co_organisers.add(OrganisationFactory(name="Latvijas Sarkanais Krusts"))
    return event


def series_url(event):
    return reverse("admin:activities_event_series", args=[event.pk])


# --- Duplicate --------------------------------------------------------------------------------------------------


def test_duplicate_copies_an_event_as_a_draft_with_translations_co_organisers_and_a_new_slug(
    admin_client, language_cafe
):
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "duplicate_events", "_selected_action": [language_cafe.pk]}
    )

    copy = Event.objects.get(slug="valodas-kafejnica-copy")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:activities_event_change", args=[copy.pk])
    assert copy.status == Event.Status.DRAFT
    assert (copy.title_lv, copy.title_uk, copy.capacity) == ("Valodas kafejnīca", "Мовне кафе", 12)
    assert list(copy.co_organisers.all()) == list(language_cafe.co_organisers.all())
    assert copy.sequence == 0
    language_cafe.refresh_from_db()
    assert language_cafe.status == Event.Status.PUBLISHED


def test_duplicating_twice_gives_each_copy_its_own_slug(admin_client, language_cafe):
    for _attempt in range(2):
        admin_client.post(reverse(CHANGELIST), {"action": "duplicate_events", "_selected_action": [language_cafe.pk]})

    assert set(Event.objects.values_list("slug", flat=True)) == {
        "valodas-kafejnica",
        "valodas-kafejnica-copy",
        "valodas-kafejnica-copy-2",
    }


def test_a_librarian_duplicates_only_her_own_events(librarian_client, language_cafe):
    other = EventFactory(slug="citur")

    librarian_client.post(
        reverse(CHANGELIST), {"action": "duplicate_events", "_selected_action": [language_cafe.pk, other.pk]}
    )

    assert not Event.objects.filter(slug="citur-copy").exists()
    assert Event.objects.filter(slug="valodas-kafejnica-copy", organiser=language_cafe.organiser).exists()


# --- Series -----------------------------------------------------------------------------------------------------


def series_form(**overrides):
    data = {"weekday": "1", "start": "2025-10-15", "interval_weeks": "1", "count": "10"}
    data.update(overrides)
    return data


def test_a_weekly_series_creates_ten_draft_tuesdays_at_the_same_riga_time(admin_client, language_cafe):
    response = admin_client.post(series_url(language_cafe), series_form())

    assert response.status_code == 302
    series = list(Event.objects.filter(slug__startswith="valodas-kafejnica-2").order_by("starts_at"))
    assert [event.slug for event in series][:2] == ["valodas-kafejnica-2025-10-21", "valodas-kafejnica-2025-10-28"]
    assert len(series) == 10
    assert {event.status for event in series} == {Event.Status.DRAFT}
    for event in series:
        local_start = timezone.localtime(event.starts_at, RIGA)
        assert local_start.weekday() == 1
        # 18:00–19:30 in Riga on both sides of the change to winter time on 26 October.
        assert (local_start.hour, local_start.minute) == (18, 0)
        assert event.ends_at - event.starts_at == datetime.timedelta(minutes=90)
        assert event.title_uk == "Мовне кафе"
        assert event.co_organisers.count() == 1
    assert timezone.localtime(series[0].starts_at, RIGA).utcoffset() == datetime.timedelta(hours=3)
    assert timezone.localtime(series[1].starts_at, RIGA).utcoffset() == datetime.timedelta(hours=2)


def test_a_series_can_be_published_at_once_every_other_week(admin_client, language_cafe):
    admin_client.post(series_url(language_cafe), series_form(interval_weeks="2", count="3", publish="on"))

    series = Event.objects.filter(slug__startswith="valodas-kafejnica-2").order_by("starts_at")
    assert [event.slug for event in series] == [
        "valodas-kafejnica-2025-10-21",
        "valodas-kafejnica-2025-11-04",
        "valodas-kafejnica-2025-11-18",
    ]
    assert {event.status for event in series} == {Event.Status.PUBLISHED}


def test_each_event_of_a_series_is_edited_on_its_own(admin_client, language_cafe):
    admin_client.post(series_url(language_cafe), series_form(count="2"))
    first, second = Event.objects.filter(slug__startswith="valodas-kafejnica-2").order_by("starts_at")

    Event.objects.filter(pk=first.pk).update(capacity=5)

    second.refresh_from_db()
    assert second.capacity == 12


def test_a_series_is_all_or_nothing_and_says_which_dates_clash(admin_client, language_cafe):
    EventFactory(slug="valodas-kafejnica-2025-11-04")

    response = admin_client.post(series_url(language_cafe), series_form(count="4"))

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("2025-11-04" in error for error in errors)
    assert "No event was created" in response.content.decode()
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"count": "0"}, "count"),
        ({"count": "53"}, "count"),
        ({"interval_weeks": "9"}, "interval_weeks"),
        ({"weekday": "7"}, "weekday"),
        ({"start": "2025-13-40"}, "start"),
    ],
)
def test_bad_series_input_is_a_field_error(admin_client, language_cafe, overrides, field):
    response = admin_client.post(series_url(language_cafe), series_form(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Event.objects.count() == 1


def test_a_series_cannot_start_in_the_past(admin_client, language_cafe):
    response = admin_client.post(series_url(language_cafe), series_form(start="2025-09-01", count="3"))

    assert response.status_code == 200
    assert any("2025-09-02 is in the past" in error for error in response.context["form"].non_field_errors())
    assert Event.objects.count() == 1


def test_the_series_page_starts_from_the_events_weekday_and_is_linked_from_the_change_page(admin_client, language_cafe):
    form = admin_client.get(series_url(language_cafe)).context["form"]
    change_page = admin_client.get(reverse("admin:activities_event_change", args=[language_cafe.pk]))

    assert form.initial == {"weekday": 1, "start": datetime.date(2025, 10, 15)}
    assert series_url(language_cafe) in change_page.content.decode()


def test_the_series_action_takes_one_event_to_its_series_page(admin_client, language_cafe):
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "repeat_as_series", "_selected_action": [language_cafe.pk]}
    )

    assert response["Location"] == series_url(language_cafe)


def test_a_librarian_makes_a_series_of_her_own_event_but_not_of_another_librarys(librarian_client, language_cafe):
    other = EventFactory(slug="citur")

    assert librarian_client.get(series_url(other)).status_code == 403
    assert librarian_client.post(series_url(other), series_form(count="2")).status_code == 403
    assert librarian_client.post(series_url(language_cafe), series_form(count="2")).status_code == 302
    assert Event.objects.filter(slug__startswith="citur-").count() == 0
    assert Event.objects.filter(slug__startswith="valodas-kafejnica-2").count() == 2


# --- Attendance -------------------------------------------------------------------------------------------------


@pytest.fixture
def past_event(library):
    return EventFactory(
        organiser=library, starts_at=riga(2025, 10, 1, 18), ends_at=riga(2025, 10, 1, 20), languages=["uk"]
    )


def attendance_form(event, **overrides):
    data = {
        "event": event.pk,
        "activity_type": Attendance.ActivityType.LANGUAGE_COURSE,
        "total": "14",
        "third_country_nationals": "11",
        "age_18_29": "4",
        "age_30_49": "8",
        "women": "10",
        "men": "3",
        "gender_other": "1",
    }
    data.update(overrides)
    return data


def test_a_librarian_records_attendance_of_her_past_event(librarian_client, librarian, past_event):
    response = librarian_client.post(reverse("admin:activities_attendance_add"), attendance_form(past_event))

    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.event, attendance.total, attendance.third_country_nationals) == (past_event, 14, 11)
    assert (attendance.age_0_17, attendance.age_30_49, attendance.women) == (None, 8, 10)
    assert attendance.recorded_by == librarian


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"third_country_nationals": "15"}, "third_country_nationals"),
        ({"age_0_17": "5"}, "age_0_17"),
        ({"women": "12"}, "women"),
        ({"total": "-1"}, "total"),
        ({"activity_type": "party"}, "activity_type"),
    ],
)
def test_counts_that_do_not_add_up_are_form_errors_not_500s(admin_client, past_event, overrides, field):
    response = admin_client.post(reverse("admin:activities_attendance_add"), attendance_form(past_event, **overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Attendance.objects.exists()


def test_the_database_refuses_counts_that_exceed_the_total(past_event):
    for counts in ({"third_country_nationals": 3}, {"age_65_plus": 2, "age_0_17": 1}, {"men": 3}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Attendance.objects.create(event=past_event, activity_type="other", total=2, **counts)


def test_attendance_of_an_event_that_has_not_started_is_refused(admin_client, language_cafe):
    response = admin_client.post(reverse("admin:activities_attendance_add"), attendance_form(language_cafe))

    assert "event" in response.context["adminform"].form.errors


def test_the_event_page_has_the_attendance_inline_only_after_the_event(admin_client, past_event, language_cafe):
    past = admin_client.get(reverse("admin:activities_event_change", args=[past_event.pk]))
    upcoming = admin_client.get(reverse("admin:activities_event_change", args=[language_cafe.pk]))

    assert 'name="attendance-0-total"' in past.content.decode()
    assert 'name="attendance-0-total"' not in upcoming.content.decode()


def test_a_librarian_sees_and_edits_only_her_librarys_attendance(librarian_client, past_event):
    own = Attendance.objects.create(event=past_event, activity_type="other", total=5)
    other_event = EventFactory(starts_at=riga(2025, 10, 2, 10), ends_at=riga(2025, 10, 2, 12))
    other = Attendance.objects.create(event=other_event, activity_type="other", total=7)

    changelist = librarian_client.get(reverse("admin:activities_attendance_changelist"))
    refused = librarian_client.get(reverse("admin:activities_attendance_change", args=[other.pk]))
    foreign_event = librarian_client.post(
        reverse("admin:activities_attendance_add"), attendance_form(EventFactory(starts_at=riga(2025, 10, 3, 10)))
    )

    assert list(changelist.context["cl"].result_list) == [own]
    assert refused.status_code == 403
    assert "event" in foreign_event.context["adminform"].form.errors


def test_attendance_is_recorded_from_the_events_own_page(admin_client, superuser, past_event):
    inline = {
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-activity_type": Attendance.ActivityType.CIVIC_ORIENTATION,
        "attendance-0-total": "9",
        "attendance-0-third_country_nationals": "9",
        "attendance-0-age_65_plus": "2",
    }
    data = change_form(past_event, starts_at_0="2025-10-01", ends_at_0="2025-10-01", **inline)

    too_many = admin_client.post(
        reverse("admin:activities_event_change", args=[past_event.pk]), {**data, "attendance-0-women": "10"}
    )
    saved = admin_client.post(reverse("admin:activities_event_change", args=[past_event.pk]), data)

    assert too_many.status_code == 200
    assert saved.status_code == 302
    attendance = Attendance.objects.get(event=past_event)
    assert (attendance.activity_type, attendance.total, attendance.age_65_plus) == ("civic_orientation", 9, 2)
    assert attendance.recorded_by == superuser
