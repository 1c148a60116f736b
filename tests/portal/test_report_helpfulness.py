"""The result indicator in the progress report and on the dashboard: participants who say an event helped their
integration, per event, library and month, with fewer than five answers hidden."""

import datetime

import pytest
from django.urls import reverse as django_reverse
from django.utils import translation

from activities.models import SurveyAnswer
from portal.models import Report
from portal.reports import sheets

from .reporting import NOW, held_event, indicators, read_workbook, riga

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_report_time", "media_root")]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def reverse(name, kwargs=None):
    with translation.override("en"):
        return django_reverse(name, kwargs=kwargs)


def answers(event, *, helpful=0, somewhat=0, not_helpful=0, day=None):
    day = day or (event.ends_at + datetime.timedelta(days=1)).date()
    for code, number in (("helpful", helpful), ("somewhat", somewhat), ("not_helpful", not_helpful)):
        for _number in range(number):
            SurveyAnswer.objects.create(event=event, answer=code, answered_on=day)


def build(client, capture):
    data = {"period_from": "2025-01-01", "period_to": "2025-12-31", "format": "xlsx", "language": "en"}
    with capture(execute=True):
        client.post(reverse("staff:report_create"), data)
    report = Report.objects.order_by("-pk").first()
    response = client.get(reverse("staff:report_download", kwargs={"pk": report.pk}))
    return read_workbook(b"".join(response.streaming_content))


def columns(rows, *names):
    header = rows[0]
    return [[row[header.index(name)] for name in names] for row in rows[1:]]


def by_first_column(rows, *names):
    """{first cell: [the named columns]} of a sheet's rows."""
    return {row[0]: cells for row, cells in zip(rows[1:], columns(rows, *names), strict=True)}


HELPFULNESS = ("Said it helped their integration", "Of whom: “yes, it helped”", "Survey answers")


@pytest.fixture
def answered(ogre, jelgava):
    """Ogre: 6 answers in March and 3 in June; Jelgava: 7 in March; one answer about an event of 2024."""
    march = held_event(ogre, riga(2025, 3, 4, 18), title_en="March in Ogre")
    june = held_event(ogre, riga(2025, 6, 10, 18), title_en="June in Ogre")
    jelgava_march = held_event(jelgava, riga(2025, 3, 20, 18), title_en="March in Jelgava")
    old = held_event(ogre, riga(2024, 11, 5, 18), title_en="Last year")
    answers(march, helpful=3, somewhat=2, not_helpful=1)
    answers(june, helpful=2, not_helpful=1)
    answers(jelgava_march, helpful=1, somewhat=1, not_helpful=5)
    answers(old, helpful=9)
    return march, june, jelgava_march


def test_the_indicator_counts_helpful_and_somewhat_of_the_events_held_in_the_period(
    client, coordinator, answered, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    summary = indicators(build(client, django_capture_on_commit_callbacks)["Indicators"])

    section = "Result: participants who report that the activity helped their integration"
    assert summary[section, "Participants who say an event helped their integration"] == 3 + 2 + 2 + 1 + 1
    assert summary[section, "Of whom: “yes, it helped”"] == 3 + 2 + 1
    assert summary[section, "Answered: Yes, it helped"] == 6
    assert summary[section, "Answered: Somewhat"] == 3
    assert summary[section, "Answered: No, it did not help"] == 7
    assert summary[section, "Survey answers in total"] == 16


def test_events_with_fewer_than_five_answers_are_hidden_and_their_librarys_next_smallest_too(
    client, coordinator, ogre, jelgava, django_capture_on_commit_callbacks
):
    first, small, third = (held_event(ogre, riga(2025, 3, day, 18), title_en=f"Ogre {day}") for day in (4, 11, 18))
    answers(first, helpful=4, not_helpful=2)
    answers(small, helpful=1, somewhat=1, not_helpful=1)
    answers(third, helpful=8)
    answers(held_event(jelgava, riga(2025, 3, 20, 18), title_en="Jelgava"), somewhat=7)
    client.force_login(coordinator)

    events = build(client, django_capture_on_commit_callbacks)["Events"]

    by_title = dict(zip((row[1] for row in events[1:]), columns(events, *HELPFULNESS), strict=True))
    assert by_title["Ogre 11"] == ["<5", "<5", "<5"]
    # Ogre's row on the library sheet less its other events would give "Ogre 11" away: its next smallest is hidden.
    assert by_title["Ogre 4"] == ["<5", "<5", "<5"]
    assert by_title["Ogre 18"] == [8, 8, 8]
    assert by_title["Jelgava"] == [7, 0, 7]


def test_a_lone_small_event_of_a_month_hides_the_months_next_smallest_event():
    groups = {1: ("ogre", (2025, 3)), 2: ("jelgava", (2025, 3)), 3: ("jelgava", (2025, 4)), 4: ("ogre", (2025, 5))}

    hidden = sheets.events_to_hide({1: 3, 2: 9, 3: 20, 4: 6}, groups)

    # 1 has fewer than 5 answers: Ogre's other event (4) and March's other event (2) go with it; then Jelgava has
    # one hidden event (2), so its other one (3) goes as well.
    assert hidden == {1, 2, 3, 4}
    assert sheets.events_to_hide({1: 6, 2: 9}, {1: ("ogre", (2025, 3)), 2: ("ogre", (2025, 3))}) == set()
    assert sheets.events_to_hide({1: 3, 2: 2}, {1: ("ogre", (2025, 3)), 2: ("ogre", (2025, 3))}) == {1, 2}


def test_per_month_and_library_a_lone_hidden_row_hides_the_next_smallest_too(
    client, coordinator, answered, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    workbook = build(client, django_capture_on_commit_callbacks)

    months = by_first_column(workbook["By month"], *HELPFULNESS)
    assert months["January 2025"] == [0, 0, 0]
    # June alone would be hidden, and the total less March would give it away: March, the only other month with
    # answers, is hidden as well.
    assert months["June 2025"] == ["<5", "<5", "<5"]
    assert months["March 2025"] == ["<5", "<5", "<5"]
    libraries = by_first_column(workbook["By library"], *HELPFULNESS)
    assert libraries["Ogre"] == [7, 5, 9]
    assert libraries["Jelgavas pilsētas bibliotēka"] == [2, 1, 7]


def test_the_total_itself_is_hidden_below_five_answers(client, coordinator, ogre, django_capture_on_commit_callbacks):
    answers(held_event(ogre, riga(2025, 5, 5, 18)), helpful=3, not_helpful=1)
    client.force_login(coordinator)

    summary = indicators(build(client, django_capture_on_commit_callbacks)["Indicators"])

    section = "Result: participants who report that the activity helped their integration"
    values = {indicator: value for (name, indicator), value in summary.items() if name == section}
    assert set(values.values()) == {"<5"}


def test_answers_given_after_the_report_was_asked_for_are_not_counted(
    client, coordinator, ogre, django_capture_on_commit_callbacks
):
    event = held_event(ogre, riga(2025, 12, 30, 18))
    answers(event, helpful=5)
    answers(event, helpful=4, day=NOW.date() + datetime.timedelta(days=1))
    client.force_login(coordinator)

    summary = indicators(build(client, django_capture_on_commit_callbacks)["Indicators"])

    section = "Result: participants who report that the activity helped their integration"
    assert summary[section, "Survey answers in total"] == 5


def test_the_dashboard_shows_the_indicator_of_her_libraries_only(client, librarian, ogre, jelgava):
    with_answers = held_event(ogre, riga(2025, 12, 1, 18))
    answers(with_answers, helpful=4, somewhat=1, not_helpful=2)
    answers(held_event(jelgava, riga(2025, 12, 2, 18)), helpful=20)
    client.force_login(librarian)

    figures = client.get(reverse("staff:dashboard")).context["figures"]["helpfulness"]

    assert figures == {"helped": 5, "helpful": 4, "answers": 7}


def test_the_dashboard_hides_fewer_than_five_answers(client, librarian, ogre):
    answers(held_event(ogre, riga(2025, 12, 1, 18)), helpful=2)
    client.force_login(librarian)

    response = client.get(reverse("staff:dashboard"))

    assert response.context["figures"]["helpfulness"] == {"helped": "<5", "helpful": "<5", "answers": "<5"}
    assert "Fewer than 5 answers" in response.content.decode()
