import pytest

from partners.models import Organisation, StaffMembership
from tests.factories import OrganisationFactory
from tests.partners.helpers import staff_member


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
