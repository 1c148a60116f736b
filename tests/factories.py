"""factory_boy factories for every domain model; tests build data through these, never by hand."""

import datetime
from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from activities.models import Event
from mapping.models import Initiative
from partners.models import Agreement, Organisation, StaffMembership
from resources.models import ActionItem, Resource, ResourceFile, Strategy


class ContentFactory(factory.django.DjangoModelFactory):
    """Content written in the default language, as editors do.

    modeltranslation stores a plain `title=` in the active language's column; tests run in English (see
    conftest.py), so creation switches to the default language to fill the column every fallback ends in.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = False


class OrganisationFactory(ContentFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.PARTNER_LIBRARY
    name = factory.Sequence(lambda n: f"Bibliotēka {n}")
    slug = factory.Sequence(lambda n: f"biblioteka-{n}")
    city = "Ogre"
    country = "LV"
    street_address = "Brīvības iela 35"
    latitude = Decimal("56.81620")
    longitude = Decimal("24.61401")
    website = "https://www.example.org"


class AgreementFactory(ContentFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    kind = Agreement.Kind.COOPERATION
    title = factory.Sequence(lambda n: f"Sadarbības līgums {n}")
    slug = factory.Sequence(lambda n: f"ligums-{n}")
    signed_on = datetime.date(2025, 2, 14)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if not create:
            return
        self.parties.set(extracted or [OrganisationFactory(), OrganisationFactory()])


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffMembership.Role.LIBRARIAN


class EventFactory(ContentFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Seminārs {n}")
    slug = factory.Sequence(lambda n: f"seminars-{n}")
    summary = "Informatīvs seminārs jaunpienācējiem."
    kind = Event.Kind.SEMINAR
    organiser = factory.SubFactory(OrganisationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    venue = Event.Venue.ORGANISATION
    languages = factory.LazyFunction(lambda: ["lv", "uk"])
    audience = factory.LazyFunction(lambda: ["tcn"])
    status = Event.Status.PUBLISHED


class InitiativeFactory(ContentFactory):
    class Meta:
        model = Initiative

    title = factory.Sequence(lambda n: f"Valodas kafejnīca {n}")
    slug = factory.Sequence(lambda n: f"valodas-kafejnica-{n}")
    description = "Sarunu klubs latviešu valodas apguvei."
    category = Initiative.Category.LANGUAGE
    host = factory.SubFactory(OrganisationFactory)
    city = "Ogre"
    country = "LV"
    latitude = Decimal("56.81620")
    longitude = Decimal("24.61401")
    languages = factory.LazyFunction(lambda: ["lv", "uk"])
    target_groups = factory.LazyFunction(lambda: ["adults"])
    status = Initiative.Status.PUBLISHED
    source = Initiative.Source.STAFF


class ResourceFactory(ContentFactory):
    class Meta:
        model = Resource

    kind = Resource.Kind.GUIDE
    title = factory.Sequence(lambda n: f"Ceļvedis {n}")
    slug = factory.Sequence(lambda n: f"celvedis-{n}")
    summary = "Ceļvedis bibliotekāriem par starpkultūru komunikāciju."
    body = "<p>Bibliotēka ir vieta, kur satikties.</p>"
    topics = factory.LazyFunction(lambda: ["intercultural"])
    audience = factory.LazyFunction(lambda: ["librarians"])
    published_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))


class ResourceFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceFile

    resource = factory.SubFactory(ResourceFactory)
    language = "lv"
    file = factory.django.FileField(filename="guide.pdf", data=b"%PDF-1.4\n%demo\n")


class StrategyFactory(ContentFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Integrācijas stratēģija {n}")
    slug = factory.Sequence(lambda n: f"strategija-{n}")
    library = factory.SubFactory(OrganisationFactory)
    municipality = "Ogres novads"
    status = Strategy.Status.ADOPTED
    adopted_on = datetime.date(2025, 6, 1)


class ActionItemFactory(ContentFactory):
    class Meta:
        model = ActionItem

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Darbība {n}")
    status = ActionItem.Status.PLANNED
    due_on = datetime.date(2025, 12, 1)
