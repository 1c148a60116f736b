"""The anonymous "was it helpful?" survey of an event: the page, the short link, one answer per device and per
follow-up link, no personal data with the answer, the follow-up e-mail, the poster, the slide and the admin."""

import datetime
import re
import time
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from activities import tasks
from activities.models import Event, Registration, SurveyAnswer, SurveyLinkUse
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.activities.helpers import NOW
from tests.activities.registering import RegistrationFactory
from tests.factories import EventFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    """A seminar that ended an hour ago."""
    return EventFactory(
        slug="darba-tiesibas",
        title_en="Workers' rights",
        title_lv="Darba tiesības",
        starts_at=NOW - datetime.timedelta(hours=3),
        ends_at=NOW - datetime.timedelta(hours=1),
        registration_required=True,
    )


def survey_url(event, language="en"):
    with translation.override(language):
        return reverse("activities:event_survey", kwargs={"slug": event.slug})


def stamp_of(page):
    """The time stamp the page hands out with its form; none when it shows no form."""
    found = re.search(r'name="form_started" value="([^"]+)"', page.content.decode())
    return found[1] if found else ""


def answer(client, url, *, after=10, **data):
    """Open the survey page, choose for `after` seconds and send the answer (also when the page showed no form)."""
    stamp = stamp_of(client.get(url))
    with time_machine.travel(time.time() + after, tick=False):
        return client.post(url, {"homepage": "", "form_started": stamp, **data})


# --- The page ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("lv", "Vai šis pasākums jums palīdzēja"),
        ("en", "Was this event helpful for your integration"),
        ("uk", "Чи допоміг вам цей захід"),
        ("ru", "Помогло ли вам это мероприятие"),
    ],
)
def test_the_survey_asks_one_question_with_three_answers_in_each_language(client, held, language, question):
    response = client.get(survey_url(held, language))

    html = response.content.decode()
    assert response.status_code == 200
    assert question in html
    assert re.findall(r'<input type="radio" name="answer" value="(\w+)"', html) == [
        "helpful",
        "somewhat",
        "not_helpful",
    ]
    assert '<textarea name="comment"' in html and 'maxlength="500"' in html
    assert "no-cache" in response["Cache-Control"]


def test_an_answer_is_recorded_with_the_day_only_and_the_device_is_told_thanks(client, held):
    response = answer(client, survey_url(held), answer="helpful", comment="  Very <b>clear</b> advice.  ")

    assert response.status_code == 302 and response["Location"] == survey_url(held)
    [record] = SurveyAnswer.objects.all()
    assert (record.event, record.answer, record.comment) == (held, "helpful", "Very clear advice.")
    assert record.answered_on == NOW.date()
    page = client.get(survey_url(held)).content.decode()
    assert "Thank you: your answer is recorded." in page and 'name="answer"' not in page


def test_a_comment_keeps_its_lines_and_the_marks_of_its_spelling_without_controls_or_overrides(client, held):
    # The zero-width non-joiner is part of Persian spelling ("می‌خواهم"), the joiner part of an emoji.
    comment = "Дякую\u202e!\r\nمی\u200cخواهم 👩\u200d👧\x07"

    answer(client, survey_url(held), answer="helpful", comment=comment)

    assert SurveyAnswer.objects.get().comment == "Дякую!\nمی\u200cخواهم 👩\u200d👧"


def test_the_answer_stores_nothing_about_the_person():
    fields = {field.name for field in SurveyAnswer._meta.get_fields()}
    link_fields = {field.name for field in SurveyLinkUse._meta.get_fields()}

    assert fields == {"id", "event", "answer", "comment", "answered_on"}
    assert SurveyAnswer._meta.get_field("answered_on").get_internal_type() == "DateField"
    # The mark of a used link points at no answer and carries no time.
    assert link_fields == {"digest", "event"}


def test_one_device_answers_once_per_event(client, held):
    other = EventFactory(starts_at=held.starts_at, ends_at=held.ends_at)
    answer(client, survey_url(held), answer="helpful")

    again = answer(client, survey_url(held), answer="not_helpful")
    elsewhere = answer(client, survey_url(other), answer="somewhat")
    another_phone = answer(Client(), survey_url(held), answer="somewhat")

    assert again.status_code == 400 and "Thank you: your answer is recorded." in again.content.decode()
    assert elsewhere.status_code == 302 and another_phone.status_code == 302
    assert sorted(SurveyAnswer.objects.values_list("event__slug", "answer")) == sorted(
        [(held.slug, "helpful"), (other.slug, "somewhat"), (held.slug, "somewhat")]
    )


def test_a_changed_device_cookie_counts_as_none(client, held):
    client.cookies["libri_answered"] = f"{held.pk}:forged"

    assert "Send my answer" in client.get(survey_url(held)).content.decode()


def test_the_survey_opens_when_the_event_starts(client):
    later = EventFactory(starts_at=NOW + datetime.timedelta(hours=1), ends_at=NOW + datetime.timedelta(hours=2))

    page = client.get(survey_url(later))
    refused = client.post(survey_url(later), {"answer": "helpful"})

    assert page.status_code == 200 and "The survey opens when the event starts." in page.content.decode()
    assert refused.status_code == 400 and not SurveyAnswer.objects.exists()


def test_the_survey_closes_30_days_after_the_event(client, held):
    with time_machine.travel(held.ends_at + datetime.timedelta(days=30, minutes=1), tick=False):
        page = client.get(survey_url(held))
        refused = client.post(survey_url(held), {"answer": "helpful"})

    assert "This survey is closed." in page.content.decode()
    assert refused.status_code == 400 and not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_drafts_and_cancelled_events_have_no_survey(client, held, status):
    Event.objects.filter(pk=held.pk).update(status=status)

    assert client.get(survey_url(held)).status_code == 404


def test_an_answer_must_be_chosen_and_a_long_comment_is_refused(client, held):
    missing = answer(client, survey_url(held), comment="Hm")
    long = answer(client, survey_url(held), answer="helpful", comment="x" * 501)

    assert missing.status_code == 400 and "Choose one answer." in missing.content.decode()
    assert long.status_code == 400 and "at most 500 characters" in long.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_a_form_sent_too_fast_is_refused(client, held):
    response = answer(client, survey_url(held), after=0, answer="helpful")

    assert response.status_code == 400 and not SurveyAnswer.objects.exists()


def test_the_rate_limit_of_public_forms_applies(client, held, settings):
    from activities.forms import SurveyForm

    limit = SurveyForm.rate_limit
    for _number in range(limit):
        assert answer(Client(), survey_url(held), answer="helpful").status_code == 302

    refused = answer(Client(), survey_url(held), answer="helpful")

    assert refused.status_code == 429
    assert SurveyAnswer.objects.count() == limit


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    choice=st.one_of(st.sampled_from(["helpful", "somewhat", "not_helpful"]), st.text(max_size=15)),
    comment=st.text(max_size=700),
)
def test_odd_answers_and_comments_are_stored_as_plain_text_or_refused(held, choice, comment):
    comment = comment.replace("\x00", "")
    before = SurveyAnswer.objects.count()

    response = answer(Client(), survey_url(held), answer=choice, comment=comment)

    assert response.status_code in (302, 400, 429)
    if response.status_code == 302:
        record = SurveyAnswer.objects.order_by("-pk").first()
        assert record.answer == choice and len(record.comment) <= 500
        assert "<" not in record.comment or ">" not in record.comment.split("<", 1)[1]
        assert not any(ord(character) < 32 and character not in "\n\t" for character in record.comment)
    else:
        assert SurveyAnswer.objects.count() == before


# --- The short link ---------------------------------------------------------------------------------------------


def test_the_short_link_leads_to_the_survey_in_the_visitors_language(client, held):
    short = reverse("survey_short_link", kwargs={"code": held.survey_code})

    ukrainian = client.get(short, headers={"accept-language": "uk,en;q=0.5"})
    latvian = client.get(short, headers={"accept-language": "lv"})

    assert short == f"/s/{held.survey_code}/"
    assert ukrainian.status_code == 302 and ukrainian["Location"] == survey_url(held, "uk")
    assert latvian["Location"] == survey_url(held, "lv")
    assert "Accept-Language" in ukrainian["Vary"]


@pytest.mark.parametrize("code", ["zzzzzzzzzzzzz", "0", "-1", "ä", "z" * 40, "999999999999"])
def test_a_short_link_to_no_event_is_not_found(client, code):
    assert client.get(f"/s/{code}/").status_code == 404


# --- The follow-up e-mail ---------------------------------------------------------------------------------------


@pytest.fixture
def registrants(held):
    return {
        "olena": RegistrationFactory(event=held, name="Olena", email="olena@example.org", language="uk"),
        "ivan": RegistrationFactory(event=held, name="Ivan", email="ivan@example.org", language="ru"),
        "phone": RegistrationFactory(event=held, name="Anna", email="", phone="+371 20000000"),
        "waiting": RegistrationFactory(event=held, email="w@example.org", status=Registration.Status.WAITING),
        "cancelled": RegistrationFactory(event=held, email="c@example.org", status=Registration.Status.CANCELLED),
    }


def test_confirmed_registrants_get_one_invitation_in_their_language_after_the_event(
    held, registrants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.invite_to_survey()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.invite_to_survey()

    assert (first, second) == (2, 0)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["ivan@example.org", "olena@example.org"]
    olena = by_address["olena@example.org"]
    assert olena.subject.startswith("Чи було корисно?")
    link = re.search(r"http://\S+/uk/events/darba-tiesibas/helpful/\S+/", olena.body)[0]
    assert registrants["olena"].get_manage_url().split("/")[-2] in olena.body
    assert "ivan@example.org" not in olena.body
    registrants["olena"].refresh_from_db()
    assert registrants["olena"].follow_up_sent_at is not None
    assert link


def test_nobody_is_invited_before_the_event_ends_or_long_after(registrants, held, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=held.pk).update(
        starts_at=NOW - datetime.timedelta(hours=1), ends_at=NOW + datetime.timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.invite_to_survey() == 0
    Event.objects.filter(pk=held.pk).update(
        starts_at=NOW - datetime.timedelta(days=3, hours=2), ends_at=NOW - datetime.timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.invite_to_survey() == 0

    assert mail.outbox == []


def test_without_celery_beat_the_command_sends_the_invitations(registrants, django_capture_on_commit_callbacks):
    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_survey_invitations", stdout=output)

    assert output.getvalue().strip() == "Survey invitations queued: 2"
    assert sorted(message.to[0] for message in mail.outbox) == ["ivan@example.org", "olena@example.org"]


def test_a_repeated_delivery_of_the_task_sends_nothing_more(registrants):
    with translation.override("uk"):
        assert tasks.send_survey_invitation(registrants["olena"].pk) is True
        assert tasks.send_survey_invitation(registrants["olena"].pk) is False

    assert len(mail.outbox) == 1


def invitation_link(registration):
    with translation.override(registration.language):
        return registration.get_survey_url()


def test_the_link_of_the_e_mail_takes_one_answer_even_from_another_device(held, registrants):
    link = invitation_link(registrants["olena"])

    first = answer(Client(), link, answer="helpful")
    second = answer(Client(), link, answer="not_helpful")
    ivan = answer(Client(), invitation_link(registrants["ivan"]), answer="somewhat")

    assert first.status_code == 302 and ivan.status_code == 302
    assert second.status_code == 400 and "Дякуємо" in second.content.decode()
    assert sorted(SurveyAnswer.objects.values_list("answer", flat=True)) == ["helpful", "somewhat"]
    assert SurveyLinkUse.objects.count() == 2


def test_the_link_still_works_after_the_registration_is_erased_and_stores_no_trace_of_it(held, registrants):
    link = invitation_link(registrants["olena"])
    token = registrants["olena"].token
    registrants["olena"].delete()

    assert answer(Client(), link, answer="somewhat").status_code == 302
    [mark] = SurveyLinkUse.objects.all()
    [record] = SurveyAnswer.objects.all()
    assert token not in mark.digest and "olena" not in repr(vars(record)).lower()


def test_a_changed_link_or_one_for_another_event_is_refused(client, held, registrants):
    other = EventFactory(starts_at=held.starts_at, ends_at=held.ends_at)
    link = invitation_link(registrants["olena"])
    signed = link.rstrip("/").rsplit("/", 1)[1]

    changed = client.get(link[:-3] + "xx/")
    elsewhere = client.get(reverse("activities:event_survey_link", kwargs={"slug": other.slug, "signed_key": signed}))

    assert changed.status_code == 400 and elsewhere.status_code == 400


def test_the_ledger_of_used_links_is_purged_when_the_survey_closes(held, registrants):
    answer(Client(), invitation_link(registrants["olena"]), answer="helpful")

    with time_machine.travel(held.ends_at + datetime.timedelta(days=31), tick=False):
        tasks.erase_expired_registrations()

    assert not SurveyLinkUse.objects.exists() and SurveyAnswer.objects.count() == 1


# --- The poster, the slide and the event page -------------------------------------------------------------------


def test_the_event_page_offers_the_survey_once_it_is_open(client, held):
    later = EventFactory(starts_at=NOW + datetime.timedelta(days=1), ends_at=NOW + datetime.timedelta(days=1, hours=2))
    with translation.override("en"):
        held_page = client.get(held.get_absolute_url()).content.decode()
        later_page = client.get(later.get_absolute_url()).content.decode()

    assert f'href="{survey_url(held)}"' in held_page and "Tell us whether it helped" in held_page
    assert "Tell us whether it helped" not in later_page
    assert f'href="/en/events/{later.slug}/slide/"' in later_page


def test_the_poster_and_the_slide_carry_the_short_link_of_the_survey(client, held, settings):
    with translation.override("en"):
        poster = client.get(reverse("activities:event_poster", kwargs={"slug": held.slug})).content.decode()
        slide = client.get(reverse("activities:event_survey_slide", kwargs={"slug": held.slug}))
    short = f"{settings.SITE_URL}/s/{held.survey_code}/"

    assert short in poster and "Afterwards: was it helpful?" in poster
    html = slide.content.decode()
    assert slide.status_code == 200 and short in html
    assert html.count('<svg role="img"') == 1
    questions = re.findall(r'<p class="slide-question" lang="(\w+)">', html)
    assert questions == ["lv", "en", "uk", "ru"]
    for phrase in ("Vai šis pasākums jums palīdzēja?", "Чи допоміг вам цей захід?", "Помогло ли вам это мероприятие?"):
        assert phrase in html


def test_a_draft_has_no_slide_for_the_public(client, held):
    Event.objects.filter(pk=held.pk).update(status=Event.Status.DRAFT)

    assert client.get(reverse("activities:event_survey_slide", kwargs={"slug": held.slug})).status_code == 404


# --- Staff ------------------------------------------------------------------------------------------------------


def test_a_librarian_reads_the_answers_of_her_events_only_and_cannot_change_them(client, held):
    mine = OrganisationFactory()
    own = EventFactory(organiser=mine, starts_at=held.starts_at, ends_at=held.ends_at)
    SurveyAnswer.objects.create(event=own, answer="helpful", comment="Thank you, Jelgava!")
    SurveyAnswer.objects.create(event=held, answer="not_helpful", comment="Somebody else's comment")
    membership = StaffMembershipFactory(organisation=mine, role=StaffMembership.Role.LIBRARIAN)
    sync_user_groups(membership.user)
    client.force_login(membership.user)

    changelist = client.get(reverse("admin:activities_surveyanswer_changelist"))
    other = SurveyAnswer.objects.get(event=held)
    own_answer = SurveyAnswer.objects.get(event=own)

    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "Thank you, Jelgava!" in html and "Somebody else" not in html
    assert client.get(reverse("admin:activities_surveyanswer_change", args=[other.pk])).status_code in (302, 403, 404)
    detail = client.get(reverse("admin:activities_surveyanswer_change", args=[own_answer.pk]))
    assert detail.status_code == 200 and 'name="comment"' not in detail.content.decode()
    assert client.get(reverse("admin:activities_surveyanswer_add")).status_code == 403
    posted = client.post(reverse("admin:activities_surveyanswer_change", args=[own_answer.pk]), {"answer": "somewhat"})
    own_answer.refresh_from_db()
    assert posted.status_code == 403 and own_answer.answer == "helpful"


def test_the_registration_keeps_when_it_was_invited_and_loses_it_with_its_data(held, registrants):
    registrants["olena"].follow_up_sent_at = timezone.now()
    registrants["olena"].save()
    with time_machine.travel(held.ends_at + datetime.timedelta(days=31), tick=False):
        tasks.erase_expired_registrations()

    assert not Registration.objects.filter(event=held).exists()


def test_the_event_admin_page_sums_up_the_answers_and_links_to_them(admin_client, held):
    SurveyAnswer.objects.create(event=held, answer="helpful")
    SurveyAnswer.objects.create(event=held, answer="not_helpful", comment="Too fast")
    other = EventFactory(starts_at=held.starts_at, ends_at=held.ends_at)

    with translation.override("en"):
        page = admin_client.get(reverse("admin:activities_event_change", args=[held.pk])).content.decode()
        empty = admin_client.get(reverse("admin:activities_event_change", args=[other.pk])).content.decode()
        answers = admin_client.get(reverse("admin:activities_surveyanswer_changelist"), {"event__id__exact": held.pk})

    assert f"?event__id__exact={held.pk}" in page
    assert "2 answers</a> (Yes, it helped: 1, Somewhat: 0, No, it did not help: 1)" in page
    assert "No answers yet." in empty
    assert "Too fast" in answers.content.decode()


def test_the_registration_admin_shows_when_the_invitation_went(admin_client, held, registrants):
    registrants["olena"].follow_up_sent_at = timezone.now()
    registrants["olena"].save()

    with translation.override("en"):
        page = admin_client.get(reverse("admin:activities_registration_change", args=[registrants["olena"].pk]))

    assert page.status_code == 200 and "Survey invitation sent at" in page.content.decode()
