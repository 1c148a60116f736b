"""Links the admin renders on a change page lead somewhere for the person it renders them for: the inline rows'
"View on site" and the "History" button answer neither 404 nor 403."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from partners.models import StaffMembership
from resources.models import ResourceFile
from tests.factories import OrganisationFactory, ResourceFactory, ResourceFileFactory, UserFactory
from tests.partners.helpers import force_login_with_code, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_step_login(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def test_the_view_on_site_link_of_a_guides_file_leads_to_the_file():
    ogre = OrganisationFactory(slug="ogre")
    resource = ResourceFactory(owner=ogre)
    ResourceFileFactory(resource=resource)
    superuser = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = force_login_with_code(Client(headers={"accept-language": "en"}), superuser)

    page = client.get(reverse("admin:resources_resource_change", args=[resource.pk]))
    links = re.findall(r'href="(/admin/r/[^"]+)"', page.content.decode())
    file_links = [link for link in links if not link.rstrip("/").endswith(f"/{resource.pk}")] or links

    assert file_links, "no View on site link rendered for the file"
    for link in file_links:
        assert client.get(link).status_code == 302, link


def test_a_librarian_is_offered_the_history_of_her_own_library_only():
    ogre = OrganisationFactory(slug="ogre")
    jelgava = OrganisationFactory(slug="jelgava")
    librarian = staff_member(ogre, StaffMembership.Role.LIBRARIAN, "ogre-librarian")
    client = force_login_with_code(Client(headers={"accept-language": "en"}), librarian)

    others = client.get(reverse("admin:partners_organisation_change", args=[jelgava.pk]))
    own = client.get(reverse("admin:partners_organisation_change", args=[ogre.pk]))

    # She may read another library's record, but its trail names that library's staff: no button, and the page 403.
    assert others.status_code == 200 and 'class="historylink"' not in others.content.decode()
    assert client.get(reverse("admin:partners_organisation_history", args=[jelgava.pk])).status_code == 403
    own_history = reverse("admin:partners_organisation_history", args=[ogre.pk])
    assert own_history in own.content.decode()
    assert client.get(own_history).status_code == 200


def test_a_view_on_site_link_for_a_file_that_does_not_exist_is_a_404():
    superuser = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = force_login_with_code(Client(headers={"accept-language": "en"}), superuser)
    ResourceFileFactory(resource=ResourceFactory(owner=OrganisationFactory(slug="ogre")))
    file_type = ContentType.objects.get_for_model(ResourceFile).pk
    assert client.get(f"/admin/r/{file_type}/999999/").status_code == 404
    assert client.get(f"/admin/r/{file_type}/abc/").status_code == 404
