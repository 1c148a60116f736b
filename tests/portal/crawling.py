"""Shared pieces of the crawls of every admin and public URL: odd values, the data they reach, one request.

The crawls (test_admin_crawl.py, test_public_crawl.py) send what probes send, drawn by hypothesis: ids that are
not integers or do not exist, query values with a NUL character, overlong or non-numeric text, years out of any
calendar's range, actions POSTed with ids that are not ids. Whatever the input, no answer may be a server error.
"""

import datetime
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from activities.models import Attendance, Event, EventAlert, Registration, SurveyAnswer
from mapping.models import InitiativeImport
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from portal.models import Report
from resources.models import ActionItem, Strategy
from tests.factories import (
    AgreementFactory,
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ResourceFactory,
    ResourceFileFactory,
    StaffMembershipFactory,
    UserFactory,
)

# A handful of drawn requests per URL pattern and role: every pattern is reached, the whole crawl stays within a
# minute or so. Derandomized, so a run repeats the last one and a failure is reproduced by running again.
CRAWL_SETTINGS = settings(
    max_examples=4,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Values a prober puts where an id goes.
ODD_IDS = ("abc", "1.5", "0", "-1", "99999", "9" * 30, "\x00", "1\x00", "x" * 300, "%", "_5F", " ", "é", "1e3")
# Values a prober puts into query strings and form fields.
ODD_VALUES = (
    "\x00",
    "a\x00b",
    "",
    " ",
    "abc",
    "0",
    "-1",
    "1.5",
    "99999",
    "9" * 30,
    "x" * 2000,
    "é",
    "'",
    '"',
    "%",
    "\\",
    "<script>alert(1)</script>",
    "true",
    "None",
    "1,2",
    "0000-00-00",
    "2026-13-45",
    "9999-12-31",
    "0001-01-01",
    "2026-03-29 03:30",
    "\r\nX-Injected: 1",
)
ODD_YEARS = ("0", "1", "-5", "9999", "10000", "2026")
# The first and last days Python's dates have: a day added or a time zone applied leaves the calendar.
EDGE_DATES = ("0001-01-01", "9999-12-31")
# Values a prober puts where a date goes: the edges, the days just outside the plausible years, and no date at all.
ODD_DATES = (
    *EDGE_DATES,
    "1999-12-31",
    "2101-01-01",
    "0001-01-01T00:30:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0000-00-00",
    "2026-13-45",
    "2026-03-29",
    "abc",
    "",
)
# Ids beyond what any id column holds (a signed 64-bit integer), either way.
EDGE_IDS = ("9" * 20, "-" + "9" * 20)
# Digits other than ASCII's, each of which Python's int() reads as its ASCII twin.
OTHER_DIGITS = {
    "arabic-indic": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "fullwidth": "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
    "devanagari": "\u0966\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e\u096f",
}


def other_spellings(text):
    """`text`, an id, written in other digits than the portal writes, each of which `int()` reads as the same id."""
    return [text.translate(str.maketrans("0123456789", digits)) for digits in OTHER_DIGITS.values()]


def odd_value(valid=()):
    return st.sampled_from((*ODD_VALUES, *valid))


def query_pairs(names, valid=(), max_size=3):
    """A list of (name, value) pairs for a query string or a form, names drawn from `names`."""
    return st.lists(st.tuples(st.sampled_from(sorted(names)), odd_value(valid)), max_size=max_size)


def send(client: Client, method: str, url: str, pairs=()):
    """Send one request and read its whole body (a streamed answer can fail half-way); return the response."""
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    response = client.post(url, data) if method == "POST" else client.get(url, data)
    if response.streaming:
        # The test client closes the response once it is read, as a WSGI server would; closing it here again
        # would close the test's database connection.
        b"".join(response.streaming_content)
    return response


def signed_in(user):
    """A client signed in as `user`, in English, past the one-time password step for one with an authenticator (as
    after giving a code from it)."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        # Where django-otp keeps the device a code was given from (`django_otp.login`).
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def assert_no_server_error(response, method, url, pairs):
    assert response.status_code < 500, f"{method} {url} {list(pairs)!r} answered {response.status_code}"


@pytest.fixture
def crawl_world(db):
    """Two libraries with a row of every kind each, a superuser, Ogre's librarian and a coordinator with an
    authenticator and backup codes (the librarian has none: she reaches the admin without a code)."""
    ogre = OrganisationFactory(slug="ogre", name="Ogres Centrālā bibliotēka")
    jelgava = OrganisationFactory(slug="jelgava", name="Jelgavas pilsētas bibliotēka")
    kisc = OrganisationFactory(slug="kisc", name="Sabiedrības integrācijas centrs")
    superuser = UserFactory(username="crawl-admin", is_staff=True, is_superuser=True)
    librarian = StaffMembershipFactory(
        user__username="crawl-librarian", organisation=ogre, role=StaffMembership.Role.LIBRARIAN
    ).user
    coordinator = StaffMembershipFactory(
        user__username="crawl-coordinator", organisation=kisc, role=StaffMembership.Role.COORDINATOR
    ).user
    for user in (librarian, coordinator):
        sync_user_groups(user)

    now = timezone.now()
    upcoming = EventFactory(organiser=ogre, registration_required=True, capacity=5)
    past = EventFactory(organiser=ogre, starts_at=now - datetime.timedelta(days=3))
    EventFactory(organiser=jelgava, status=Event.Status.DRAFT)
    Attendance.objects.create(event=past, activity_type=Attendance.ActivityType.OTHER, total=10)
    Registration.objects.create(event=upcoming, name="Anna", email="anna@example.org", language="lv", consent_at=now)
    SurveyAnswer.objects.create(event=past, answer=SurveyAnswer.Answer.HELPFUL, comment="Paldies")
    EventAlert.objects.create(email="olena@example.org", language="uk", library=ogre, confirmed_at=now)
    InitiativeFactory(host=ogre)
    InitiativeFactory(host=jelgava)
    resource = ResourceFactory(owner=ogre)
    ResourceFileFactory(resource=resource)
    strategy = Strategy.objects.create(
        title="Ogres stratēģija", slug="ogres-strategija", library=ogre, status=Strategy.Status.DRAFT
    )
    ActionItem.objects.create(strategy=strategy, title="Valodas kursi", responsible=ogre)
    AgreementFactory(parties=[ogre, kisc])
    Report.objects.create(
        requested_by=coordinator,
        period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2025, 12, 31),
        language="lv",
    )
    sheet_import = InitiativeImport(file_name="survey.csv", uploaded_by=coordinator)
    sheet_import.file.save("survey.csv", ContentFile(b"external_id,title_lv\nx-1,Klubs\n"), save=False)
    sheet_import.save()
    TOTPDevice.objects.create(user=coordinator, name="Phone", confirmed=True)
    backup = StaticDevice.objects.create(user=coordinator, name="Backup codes", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd1234")
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}
        model.objects.create(
            user_agent="probe", ip_address="127.0.0.1", username="nobody", http_accept="*/*", path_info="/", **extra
        )
    return SimpleNamespace(
        superuser=superuser, librarian=librarian, coordinator=coordinator, ogre=ogre, upcoming_event=upcoming
    )
