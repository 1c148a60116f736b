import pytest

from partners.models import Organisation, StaffMembership
from partners.roles import sync_user_groups
from tests.factories import OrganisationFactory, StaffMembershipFactory


@pytest.fixture
def ogre(db):
    return OrganisationFactory(name="Ogres Centrālā bibliotēka", slug="ogre", city="Ogre")


@pytest.fixture
def jelgava(db):
    return OrganisationFactory(name="Jelgavas pilsētas bibliotēka", slug="jelgava", city="Jelgava")


@pytest.fixture
def kisc(db):
    return OrganisationFactory(
        name="Sabiedrības integrācijas centrs", slug="kisc", kind=Organisation.Kind.CONSORTIUM_PARTNER
    )


def staff_member(organisation, role, username):
    membership = StaffMembershipFactory(user__username=username, organisation=organisation, role=role)
    sync_user_groups(membership.user)
    return membership.user


@pytest.fixture
def librarian(ogre):
    return staff_member(ogre, StaffMembership.Role.LIBRARIAN, "ogre-librarian")


@pytest.fixture
def coordinator(kisc):
    return staff_member(kisc, StaffMembership.Role.COORDINATOR, "kisc-coordinator")


@pytest.fixture
def librarian_client(client, librarian):
    client.force_login(librarian)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
