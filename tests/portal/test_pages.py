"""The site shell: home, about, privacy notice, accessibility statement, errors and the liveness probe."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities.models import Event
from mapping.models import Initiative
from partners.models import Organisation
from partners.services import staff_invite
from tests.factories import EventFactory, InitiativeFactory, OrganisationFactory, ResourceFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SHELL_PAGES = ["home", "about", "privacy", "accessibility"]
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Riga"))


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def url_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def hreflang_links(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def switcher_links(html):
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    return {code: href for href, code in re.findall(r'<a href="([^"]+)" hreflang="([\w-]+)"', switcher)}


def json_script(html, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id}"
    return json.loads(match.group(1))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SHELL_PAGES)
def test_shell_page_answers_in_every_language_with_its_html_lang(client, name, language):
    response = client.get(url_in(language, name))

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_hreflang_alternates_point_to_the_same_page_in_every_language(client, name):
    html = client.get(url_in("en", name)).content.decode()

    links = hreflang_links(html)
    for language in LANGUAGES:
        assert links[language] == settings.SITE_URL + url_in(language, name)
    assert links["x-default"] == settings.SITE_URL + url_in("lv", name)


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_language_switcher_keeps_the_visitor_on_the_same_page(client, name):
    html = client.get(url_in("uk", name)).content.decode()

    assert switcher_links(html) == {language: url_in(language, name) for language in LANGUAGES}
    assert f'<a href="{url_in("uk", name)}" hreflang="uk" lang="uk" aria-current="true">' in html


def test_home_lists_the_next_four_published_events_in_date_order(client, frozen_now):
    soon = [
        EventFactory(title=f"Notikums {day}", starts_at=frozen_now + datetime.timedelta(days=day))
        for day in (5, 1, 3, 2)
    ]
    EventFactory(title="Vēlākais", starts_at=frozen_now + datetime.timedelta(days=30))
    EventFactory(title="Pagājušais", starts_at=frozen_now - datetime.timedelta(days=2))
    EventFactory(title="Melnraksts", starts_at=frozen_now + datetime.timedelta(hours=5), status=Event.Status.DRAFT)

    html = client.get(url_in("lv", "home")).content.decode()

    positions = [html.index(f'href="{event.get_absolute_url()}"') for event in sorted(soon, key=lambda e: e.starts_at)]
    assert positions == sorted(positions)
    for title in ("Vēlākais", "Pagājušais", "Melnraksts"):
        assert title not in html


def test_home_marks_cancelled_and_sample_events(client, frozen_now):
    EventFactory(title="Atcelts", status=Event.Status.CANCELLED, is_sample=True)

    response = client.get(url_in("en", "home"))

    assert "Atcelts" in response.content.decode()
    assert "badge-cancelled" in response.content.decode()
    assert "badge-sample" in response.content.decode()


def test_home_shows_each_events_accessibility_facts_as_its_cards_do(client, frozen_now):
    EventFactory(title="Ar uzbrauktuvi", step_free_access=True, free_of_charge=True)

    html = client.get(url_in("uk", "home")).content.decode()

    card = html[html.index("Ar uzbrauktuvi") :].split("</li>\n</ul>")[0]
    assert "Безбар’єрний доступ" in card
    assert 'src="/static/partners/access/step_free.svg"' in card


def test_home_map_preview_has_the_published_initiatives_with_coordinates(client):
    shown = InitiativeFactory(title="Sarunu klubs")
    InitiativeFactory(title="Gaida pārbaudi", status=Initiative.Status.PENDING)
    InitiativeFactory(title="Bez koordinātām", latitude=None, longitude=None)

    html = client.get(url_in("lv", "home")).content.decode()

    points = json_script(html, "home-map-points")
    assert points == [{"lat": 56.8162, "lng": 24.61401, "label": "Sarunu klubs", "url": shown.get_absolute_url()}]
    assert 'role="region"' in html
    assert 'id="home-map" class="map map-small" role="region" aria-label="' in html
    assert url_in("lv", "mapping:map") in html


def test_home_without_initiatives_draws_no_map(client):
    html = client.get(url_in("lv", "home")).content.decode()

    assert "home-map" not in html
    assert "leaflet.js" not in html


def test_home_shows_latest_published_resources_only(client, frozen_now):
    ResourceFactory(title="Jaunais ceļvedis", published_on=frozen_now.date())
    ResourceFactory(title="Melnraksta ceļvedis", published_on=None)
    ResourceFactory(title="Nākotnes ceļvedis", published_on=frozen_now.date() + datetime.timedelta(days=3))

    html = client.get(url_in("lv", "home")).content.decode()

    assert "Jaunais ceļvedis" in html
    assert "Melnraksta ceļvedis" not in html
    assert "Nākotnes ceļvedis" not in html


@pytest.mark.parametrize("size", [5, 50])
def test_home_query_count_does_not_grow_with_content(client, django_assert_max_num_queries, frozen_now, size):
    organisation = OrganisationFactory()
    EventFactory.create_batch(size, organiser=organisation)
    InitiativeFactory.create_batch(size, host=organisation)
    ResourceFactory.create_batch(size)

    with django_assert_max_num_queries(3):
        response = client.get(url_in("lv", "home"))

    assert response.status_code == 200


def test_about_lists_consortium_with_countries_and_the_partner_libraries(client):
    OrganisationFactory(name="Bibliothèques Sans Frontières", kind=Organisation.Kind.CONSORTIUM_PARTNER, country="FR")
    OrganisationFactory(name="Ventspils bibliotēka", city="Ventspils")
    OrganisationFactory(name="Citur", kind=Organisation.Kind.OTHER)

    html = client.get(url_in("en", "about")).content.decode()

    assert "Bibliothèques Sans Frontières</a> (France)" in html
    assert "Ventspils bibliotēka</a> (Ventspils)" in html
    assert "Citur" not in html
    assert "May 2024 – May 2026" in html
    assert "AMIF-2023-TF2-AG-CALL-AMIF" in html
    assert "Co-funded by the European Union" in html


def test_privacy_notice_states_the_configured_retention_period(client, settings):
    settings.REGISTRATION_RETENTION_DAYS = 45

    html = client.get(url_in("en", "privacy")).content.decode()

    assert "deleted automatically 45 days after the event" in html
    assert "https://www.kis.gov.lv" in html
    assert "Datu valsts inspekcija" in html


def test_privacy_notice_defaults_to_thirty_days_without_the_setting(client, settings):
    del settings.REGISTRATION_RETENTION_DAYS

    html = client.get(url_in("en", "privacy")).content.decode()

    assert "deleted automatically 30 days after the event" in html


@pytest.mark.parametrize("language", ["lv", "en", "uk", "ru"])
def test_privacy_notice_tells_registrants_of_the_check_in_mark_and_when_it_goes(client, language):
    html = client.get(url_in(language, "privacy")).content.decode()

    said = {
        "lv": "Šī atzīme tiek dzēsta kopā ar jūsu reģistrāciju.",
        "en": "The note is deleted with your registration.",
        "uk": "Цю відмітку видаляють разом із вашою реєстрацією.",
        "ru": "Эта отметка удаляется вместе с вашей регистрацией.",
    }
    assert said[language] in html


def cookies_named_in_the_privacy_notice(client, language):
    """The names the notice's section on cookies gives, each in brackets after what the cookie is for."""
    html = client.get(url_in(language, "privacy")).content.decode()
    section = html.split('<h2 id="cookies">', 1)[1].split("<h2", 1)[0]
    return set(re.findall(r"\((\w+)\)", section))


def send_form(client, url, *, after=60, **data):
    """Open the page of a form, fill it in for `after` seconds and send it, as a person does."""
    stamp = re.search(r'name="form_started" value="([^"]+)"', client.get(url).content.decode())[1]
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=after), tick=False):
        return client.post(url, {"homepage": "", "form_started": stamp, **data}, follow=True)


def register_and_answer_survey(client):
    """A visitor registers with a phone number only (her confirmation waits in a cookie for her own page) and
    answers the survey of an event she went to: every form a visitor sends. Returns the registration's answer."""
    seminar = EventFactory(registration_required=True)
    held = EventFactory(starts_at=NOW - datetime.timedelta(hours=3), ends_at=NOW - datetime.timedelta(hours=1))
    registered = send_form(
        client,
        url_in("en", "activities:event_register", slug=seminar.slug),
        name="Olena",
        email="",
        phone="+371 20000000",
        language="uk",
        consent="on",
    )
    send_form(client, url_in("en", "activities:event_survey", slug=held.slug), answer="helpful")
    return registered


def test_the_privacy_notice_names_every_cookie_the_portal_sets(client, frozen_now):
    staff = UserFactory(username="anna", is_staff=True)

    # A visitor sends every form a visitor sends; a staff member logs in.
    registered = register_and_answer_survey(client)
    client.post(reverse("admin:login"), {"username": staff.username, "password": "correct horse battery staple"})

    assert "you are registered" in registered.content.decode()
    assert {"csrftoken", "messages", "libri_answered", "sessionid"} <= set(client.cookies)
    for language in LANGUAGES:
        assert set(client.cookies) <= cookies_named_in_the_privacy_notice(Client(), language), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_privacy_notice_says_what_the_messages_cookie_holds_and_when_it_goes_in_the_pages_language(
    client, language
):
    html = client.get(url_in(language, "privacy")).content.decode()

    said = {
        "lv": "sīkdatni (messages), kas nes apstiprinājumu, ko redzat nākamajā lapā",
        "en": "a cookie (messages) that carries the confirmation shown on the next page",
        "uk": "файл cookie (messages), що передає підтвердження, яке ви бачите на наступній сторінці",
        "ru": "cookie (messages), который передаёт подтверждение, показанное на следующей странице",
    }
    assert said[language] in html


def cookie_item(html, name):
    """The text of the privacy notice's item on the cookie `name`."""
    section = html.split('<h2 id="cookies">', 1)[1].split("<h2", 1)[0]
    return next(item for item in re.findall(r"(?s)<li>(.*?)</li>", section) if f"({name})" in item)


@pytest.mark.parametrize(
    ("language", "csrf", "session"),
    [
        ("lv", "glabāšanas laiks: 52 nedēļas", "glabāšanas laiks: 8 stundas"),
        ("en", "lifetime: 52 weeks", "lifetime: 8 hours"),
        ("uk", "строк зберігання: 52 тижні", "строк зберігання: 8 годин"),
        ("ru", "срок хранения: 52 недели", "срок хранения: 8 часов"),
    ],
)
def test_the_privacy_notice_gives_the_lifetimes_of_the_security_and_session_cookies_in_the_pages_language(
    client, language, csrf, session
):
    html = client.get(url_in(language, "privacy")).content.decode()

    assert csrf in cookie_item(html, "csrftoken")
    assert session in cookie_item(html, "sessionid")


@pytest.mark.parametrize(
    ("csrf_age", "session_age", "csrf", "session"),
    [
        (30 * 24 * 60 * 60, 2 * 60 * 60, "lifetime: 30 days", "lifetime: 2 hours"),
        (7 * 24 * 60 * 60, 90 * 60, "lifetime: 1 week", "lifetime: 90 minutes"),
    ],
)
def test_the_privacy_notice_states_the_cookie_lifetimes_the_settings_give(
    client, settings, csrf_age, session_age, csrf, session
):
    settings.CSRF_COOKIE_AGE, settings.SESSION_COOKIE_AGE = csrf_age, session_age

    html = client.get(url_in("en", "privacy")).content.decode()

    assert csrf in cookie_item(html, "csrftoken")
    assert session in cookie_item(html, "sessionid")


def test_a_visitor_gets_the_security_cookie_from_a_form_and_no_session_cookie(client, frozen_now):

    register_and_answer_survey(client)

    assert "csrftoken" in client.cookies
    assert client.cookies["csrftoken"]["max-age"] == settings.CSRF_COOKIE_AGE
    assert "sessionid" not in client.cookies  # as the notice says: staff, and people choosing a password, only


def test_the_session_cookie_goes_to_a_person_choosing_her_password_from_an_invitation(
    client, superuser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(
            email="anna@example.org",
            first_name="Anna",
            last_name="Bērziņa",
            organisation=OrganisationFactory(),
            invited_by=superuser,
        )
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0).removeprefix(settings.SITE_URL)

    client.get(link, follow=True)

    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_accessibility_statement_gives_status_date_and_supervising_authority(client):
    html = client.get(url_in("en", "accessibility")).content.decode()

    assert "partially compliant" in html
    assert '<time datetime="2026-11-25">' in html
    assert "https://www.varam.gov.lv" in html
    assert "No. 445 of 14 July 2020" in html


@pytest.mark.parametrize("name", SHELL_PAGES)
def test_shell_pages_have_no_inline_scripts_or_styles(client, name):
    InitiativeFactory()
    html = client.get(url_in("lv", name)).content.decode()

    assert " style=" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert " src=" in tag or 'type="application/json"' in tag


def test_healthz_answers_without_database_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


READ_ONLY_ADDRESSES = [
    "/healthz",
    "/sitemap.xml",
    "/sitemap-events.xml",
    "/lv/events/feed.rss",
    "/lv/events/feed.atom",
    "/lv/events/library/{library}/feed.rss",
    "/en/events/library/{library}/feed.atom",
    "/s/{survey_code}/",
]


@pytest.mark.parametrize("address", READ_ONLY_ADDRESSES)
def test_feeds_sitemaps_the_probe_and_short_links_only_read(client, address):
    """The test client skips the CSRF check, as a form post with its token passes it."""
    library = OrganisationFactory(slug="ogre")
    event = EventFactory(status=Event.Status.PUBLISHED, organiser=library)
    url = address.format(library=library.slug, survey_code=event.survey_code)

    read = {method: client.generic(method, url).status_code for method in ("GET", "HEAD")}
    written = {method: client.generic(method, url) for method in ("POST", "PUT", "PATCH", "DELETE", "TRACE")}

    # The short link leads on to the survey; the others answer themselves.
    assert read == dict.fromkeys(read, 302 if address.startswith("/s/") else 200)
    assert {method: response.status_code for method, response in written.items()} == dict.fromkeys(written, 405)
    assert {response["Allow"] for response in written.values()} == {"GET, HEAD"}


def test_unknown_page_answers_404_in_the_site_layout(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Page not found" in html


def test_server_error_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert 'href="/"' in html


def test_main_navigation_marks_the_current_section(client):
    organisation = OrganisationFactory()
    partners_url = url_in("en", "partners:organisation_list")

    list_html = client.get(partners_url).content.decode()
    detail_html = client.get(organisation.get_absolute_url().replace("/lv/", "/en/")).content.decode()

    assert f'<a href="{partners_url}" aria-current="page">' in list_html
    assert f'<a href="{partners_url}" aria-current="true">' in detail_html
    assert 'aria-current="page"' not in detail_html
