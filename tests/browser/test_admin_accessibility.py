"""axe-core (WCAG 2.0 and 2.1, A and AA) over the admin pages a librarian works in: the Web Accessibility
Directive covers staff extranets too. She logs in through the real login form (django-axes counts the attempt)."""

import pytest
from django.urls import reverse

from activities.services import registration_create
from partners.models import StaffMembership
from partners.roles import sync_user_groups
from tests.browser.helpers import AXE_OPTIONS, log_in, report
from tests.factories import (
    EventFactory,
    InitiativeFactory,
    OrganisationFactory,
    ResourceFactory,
    StaffMembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIBRARIAN_PAGES = (
    ("admin:index", ()),
    ("admin:activities_event_changelist", ()),
    ("admin:activities_event_add", ()),
    ("admin:mapping_initiative_changelist", ()),
    ("admin:mapping_initiative_add", ()),
    ("admin:resources_resource_changelist", ()),
    ("admin:resources_resource_add", ()),
    ("admin:activities_registration_changelist", ()),
    ("admin:activities_attendance_add", ()),
    ("admin:password_change", ()),
)


@pytest.fixture
def librarian():
    ogre = OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre", city="Ogre")
    membership = StaffMembershipFactory(
        user__username="ogre-librarian", organisation=ogre, role=StaffMembership.Role.LIBRARIAN
    )
    sync_user_groups(membership.user)
    # A row on every list, so that the checks see tables, action checkboxes and links, not only empty lists.
    event = EventFactory(title="Valodas kafejnīca", organiser=ogre, registration_required=True, capacity=10)
    registration_create(event=event, name="Anna Bērziņa", email="anna@example.org", language="uk")
    InitiativeFactory(title="Sarunu klubs", host=ogre)
    ResourceFactory(title="Ceļvedis bibliotekāriem", owner=ogre)
    return membership.user


def test_the_librarians_admin_pages_pass_axe_wcag_a_and_aa(live_server, page, axe, librarian):
    log_in(page, live_server, librarian)

    findings = {}
    for name, args in LIBRARIAN_PAGES:
        url = live_server.url + reverse(name, args=args)
        response = page.goto(url, wait_until="load")
        if response.status != 200:
            findings[url] = f"  answered {response.status}"
            continue
        text = report(axe.run(page, options=AXE_OPTIONS).response["violations"])
        if text:
            findings[f"{name}: {url}"] = text

    assert not findings, f"{len(findings)} of {len(LIBRARIAN_PAGES)} admin pages fail:\n\n" + "\n\n".join(
        f"{where}\n{text}" for where, text in findings.items()
    )
