"""The audit trail's pages (django-simple-history's, in the admin) speak the admin's language, Latvian included."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from tests.factories import (
    AgreementFactory,
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ResourceFactory,
    StaffMembershipFactory,
)

pytestmark = pytest.mark.django_db

# What the package's pages say in English where it has no catalogue of its own (Latvian) or an incomplete one.
ENGLISH = [
    "View history",
    "Change history",
    "Choose a date",
    "Object",
    "Date/time",
    "Comment",
    "Changed by",
    "Change reason",
    "Changes",
    "Created",
    "Changed",
    "None",
    "entry",
    "entries",
    "History",
    "Press the",
    "Revert",
    "View",
    "Close",
]


def shown(page):
    """The page's text and the labels of its buttons, as a person reads them."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    labels = re.findall(r'<input type="submit" value="([^"]*)"', page)
    return html.unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *labels]))


def english_in(page):
    return [phrase for phrase in ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", shown(page))]


@pytest.fixture
def changed_event(admin_user):
    event = EventFactory(title_lv="Valodas kafejnīca")  # recorded with no user, as a task or a command would
    event.title_lv = "Valodas kafejnīca Ogrē"
    event._history_user = admin_user
    event.save()
    return event


@pytest.mark.parametrize("revert_disabled", [False, True])
@pytest.mark.parametrize("language", ["lv", "uk", "ru"])
def test_the_history_pages_of_an_event_have_no_english_words(
    settings, admin_user, changed_event, language, revert_disabled
):
    settings.SIMPLE_HISTORY_REVERT_DISABLED = revert_disabled
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(admin_user)
    version = changed_event.history.earliest()

    history = client.get(reverse("admin:activities_event_history", args=[changed_event.pk]))
    version_page = client.get(
        reverse("admin:activities_event_simple_history", args=[changed_event.pk, version.history_id])
    )

    assert history.status_code == version_page.status_code == 200
    assert "Valodas kafejnīca Ogrē" in shown(history.content.decode())
    assert english_in(history.content.decode()) == []
    assert english_in(version_page.content.decode()) == []


def test_the_history_list_counts_its_entries_in_latvian(admin_user, changed_event):
    client = Client(HTTP_ACCEPT_LANGUAGE="lv")
    client.force_login(admin_user)

    page = client.get(reverse("admin:activities_event_history", args=[changed_event.pk])).content.decode()

    # Django's own Latvian "entry" reads its plural forms in another order than the portal's catalogue.
    assert re.search(r"2\s+ieraksti\b", shown(page))
    assert re.search(r"<td[^>]*>\s*Mainīts\s*</td>.*<td[^>]*>\s*Izveidots\s*</td>", page, re.DOTALL)


def breadcrumbs(page):
    """The breadcrumbs' items as a person reads them."""
    trail = re.search(r'(?s)<div class="breadcrumbs">(.*?)</div>', page).group(1)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in trail.split("&rsaquo;")]


# One object of each admin with an audit trail (tests/partners/test_audit_trail.py counts six).
AUDITED = [
    EventFactory,
    InitiativeFactory,
    ResourceFactory,
    OrganisationFactory,
    AgreementFactory,
    StaffMembershipFactory,
]


@pytest.mark.parametrize("revert_disabled", [False, True])
@pytest.mark.parametrize("language", ["lv", "uk", "ru"])
@pytest.mark.parametrize("factory", AUDITED, ids=lambda factory: factory._meta.model.__name__)
def test_the_history_pages_breadcrumbs_name_the_section_and_the_list_as_the_change_page_does(
    settings, admin_user, factory, language, revert_disabled
):
    settings.SIMPLE_HISTORY_REVERT_DISABLED = revert_disabled
    obj = factory()
    opts = obj._meta
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(admin_user)
    version = obj.history.earliest()

    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    history = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    version_page = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])
    )

    # Home, the section, the list, the object: as the change page names them, in the admin's language.
    path = breadcrumbs(change.content.decode())
    assert len(path) == 4
    assert breadcrumbs(history.content.decode())[:4] == path
    assert breadcrumbs(version_page.content.decode())[:4] == path
    with translation.override(language):
        assert path[1:3] == [str(opts.app_config.verbose_name), capfirst(opts.verbose_name_plural)]
        assert breadcrumbs(history.content.decode())[4] == translation.gettext("History")
    assert english_in(" ".join(breadcrumbs(version_page.content.decode())[4:])) == []
