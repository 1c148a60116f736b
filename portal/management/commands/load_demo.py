"""Load the demo data: the real LIBRI partners, agreements and first partner meeting, plus sample content.

The data lives in `portal/demo/`: `organisations.csv` (the project's table of partner organisations, copied
verbatim) with `organisations.toml` (slugs and translations), `facts.toml` (agreements and the partner meeting from
the source text) and `samples.toml` (events, initiatives, resources with a good-practice record, and a local
integration strategy with its action plan, loaded with `is_sample=True`).

Running the command again changes nothing: every record is found by its slug (a good-practice record by its
resource, an action item by its strategy and position) and only a record whose values differ from the data is
written, so a second run on the same day leaves every row, timestamp included, as it was. Sample event dates and
action item due dates count from the day of loading, so a run on a later day moves them forward. Edits made in the
admin to the fields the demo data sets are overwritten; other records are never touched.
"""

import csv
import datetime
import tomllib
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from activities.models import Event
from mapping.models import Initiative
from partners.models import ACCESS_FACT_FIELDS, AccessFact, Agreement, Organisation
from resources import search
from resources.models import ActionItem, GoodPractice, Resource, Strategy
from resources.services import good_practice_save, resource_save

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
CONTENT_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)
TUESDAY = 1
# Initiatives sit at their host's address, whose point is the city centre (several hosts share it); nudging them a
# few hundred metres apart keeps their markers from hiding the hosts' markers and each other.
NEARBY = [(Decimal("0.00300"), Decimal("0.00400")), (Decimal("-0.00300"), Decimal("0.00450"))]
REPORTED_MODELS = (Organisation, Agreement, Event, Initiative, Resource, GoodPractice, Strategy, ActionItem)


class Command(BaseCommand):
    help = "Load the LIBRI demo data (real partners and agreements, sample events, initiatives and resources)."

    def handle(self, *args, **options):
        self.tally = defaultdict(Counter)
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            organisations = self.load_organisations()
            facts = read_toml("facts.toml")
            samples = read_toml("samples.toml")
            self.load_agreements(facts.get("agreement", []), organisations)
            self.load_events(facts.get("event", []), organisations, is_sample=False)
            self.load_events(samples.get("event", []), organisations, is_sample=True)
            self.load_initiatives(samples.get("initiative", []), organisations)
            self.load_resources(samples.get("resource", []), organisations)
            self.load_strategies(samples.get("strategy", []), organisations)
        if options["verbosity"] >= 1:
            for model in REPORTED_MODELS:
                counts = self.tally[model.__name__]
                self.stdout.write(
                    f"{model._meta.model_name}: {counts['created']} created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged"
                )

    # --- Loaders ------------------------------------------------------------------------------------------------

    def load_organisations(self):
        """Organisations from the CSV joined with their translations; returns them by slug."""
        with (DEMO_DIR / "organisations.csv").open(encoding="utf-8", newline="") as handle:
            rows = {row["name_original"]: row for row in csv.DictReader(handle)}
        entries = read_toml("organisations.toml").get("organisation", [])
        unmatched = {entry["name_original"] for entry in entries} ^ set(rows)
        if unmatched:
            raise CommandError(f"organisations.csv and organisations.toml do not match on: {sorted(unmatched)}")
        organisations = {}
        for entry in entries:
            check_keys(entry, {"name_original", "slug", "name", "short_name", "description"})
            row = rows[entry["name_original"]]
            names = {"lv": row["name_original"], "en": row["name_en"], **entry["name"]}
            values = {
                "kind": row["kind"],
                **translated({"name": names}, "name"),
                **translated(entry, "short_name", required=False),
                **translated(entry, "description"),
                "street_address": row["street_address"],
                "postal_code": row["postal_code"],
                "city": row["city"],
                "country": row["country"],
                "latitude": Decimal(row["latitude"]) if row["latitude"] else None,
                "longitude": Decimal(row["longitude"]) if row["longitude"] else None,
                "website": row["website"],
                "is_sample": False,
            }
            organisations[entry["slug"]] = self.upsert(Organisation, {"slug": entry["slug"]}, values)
        return organisations

    def load_agreements(self, entries, organisations):
        for entry in entries:
            check_keys(entry, {"kind", "signed_on", "parties", "title", "summary"})
            parties = [organisation(organisations, slug) for slug in entry["parties"]]
            if len(parties) < 2:
                raise CommandError(f"Agreement {entry['title']['en']!r} needs at least two parties.")
            values = {
                "kind": entry["kind"],
                **translated(entry, "title"),
                **translated(entry, "summary"),
                "signed_on": entry["signed_on"],
                "is_sample": False,
            }
            self.upsert(Agreement, {"slug": slugify(entry["title"]["en"])}, values, m2m={"parties": parties})

    def load_events(self, entries, organisations, *, is_sample):
        today = timezone.localdate()
        for entry in entries:
            check_keys(
                entry,
                {
                    "kind", "organiser", "co_organisers", "venue", "venue_organisation", "online_url", "when",
                    "starts_at", "ends_at", "languages", "interpretation_available", "access", "audience",
                    "registration_required", "capacity", "status", "title", "summary", "description",
                },
            )  # fmt: skip
            if "when" in entry:
                starts_at, ends_at = sample_period(today, entry["when"])
            else:
                starts_at, ends_at = aware(entry["starts_at"]), aware(entry["ends_at"])
            venue_organisation = entry.get("venue_organisation")
            values = {
                "kind": entry["kind"],
                **translated(entry, "title"),
                **translated(entry, "summary"),
                **translated(entry, "description"),
                "organiser": organisation(organisations, entry["organiser"]),
                "starts_at": starts_at,
                "ends_at": ends_at,
                "venue": entry.get("venue", Event.Venue.ORGANISATION),
                "venue_organisation": organisation(organisations, venue_organisation) if venue_organisation else None,
                "online_url": entry.get("online_url", ""),
                "languages": entry["languages"],
                **access_facts(entry),
                "interpretation_available": entry.get("interpretation_available", False)
                or AccessFact.INTERPRETATION in entry.get("access", ()),
                "audience": entry["audience"],
                "registration_required": entry.get("registration_required", False),
                "capacity": entry.get("capacity"),
                "status": entry.get("status", Event.Status.PUBLISHED),
                "is_sample": is_sample,
            }
            co_organisers = [organisation(organisations, slug) for slug in entry.get("co_organisers", [])]
            self.upsert(
                Event,
                {"slug": slugify(entry["title"]["en"])},
                values,
                m2m={"co_organisers": co_organisers},
                save=save_event,
            )

    def load_initiatives(self, entries, organisations):
        placed = Counter()
        for entry in entries:
            check_keys(entry, {"host", "category", "languages", "target_groups", "access", "title", "description"})
            host = organisation(organisations, entry["host"])
            latitude = longitude = None
            if host.has_point:
                point = (host.latitude, host.longitude)
                north, east = NEARBY[placed[point] % len(NEARBY)]
                latitude, longitude = host.latitude + north, host.longitude + east
                placed[point] += 1
            values = {
                **translated(entry, "title"),
                **translated(entry, "description"),
                "category": entry["category"],
                "host": host,
                "street_address": host.street_address,
                "postal_code": host.postal_code,
                "city": host.city,
                "country": host.country.code,
                "latitude": latitude,
                "longitude": longitude,
                "languages": entry["languages"],
                "target_groups": entry["target_groups"],
                **access_facts(entry),
                "status": Initiative.Status.PUBLISHED,
                "source": Initiative.Source.STAFF,
                "is_sample": True,
            }
            self.upsert(Initiative, {"slug": slugify(entry["title"]["en"])}, values)

    def load_resources(self, entries, organisations):
        for entry in entries:
            check_keys(
                entry,
                {
                    "kind", "published_on", "owner", "related_organisations", "related_events", "external_url",
                    "topics", "audience", "title", "summary", "body", "practice",
                },
            )  # fmt: skip
            values = {
                "kind": entry["kind"],
                **translated(entry, "title"),
                **translated(entry, "summary"),
                **translated(entry, "body"),
                "topics": entry["topics"],
                "audience": entry["audience"],
                "external_url": entry.get("external_url", ""),
                "owner": organisation(organisations, entry["owner"]) if "owner" in entry else None,
                "published_on": entry["published_on"],
                "is_sample": True,
            }
            related = [organisation(organisations, slug) for slug in entry.get("related_organisations", [])]
            resource = self.upsert(
                Resource,
                {"slug": slugify(entry["title"]["en"])},
                values,
                m2m={"related_organisations": related, "related_events": events(entry.get("related_events", []))},
                # The guide library's service sanitises the rich text and refreshes the search columns.
                save=lambda resource: resource_save(resource=resource),
            )
            if "practice" in entry:
                self.load_practice(entry["practice"], resource, organisations)

    def load_practice(self, entry, resource, organisations):
        """The good-practice record of a resource (its sections are searched with the resource)."""
        check_keys(entry, {"country", "library", "contact", *search.PRACTICE_FIELDS})
        values = {
            "country": entry["country"],
            "library": organisation(organisations, entry["library"]) if "library" in entry else None,
            "contact": entry.get("contact", ""),
        }
        for field in search.PRACTICE_FIELDS:
            values.update(translated(entry, field, required=False))
        self.upsert(
            GoodPractice,
            {"resource": resource},
            values,
            save=lambda practice: good_practice_save(good_practice=practice),
        )

    def load_strategies(self, entries, organisations):
        today = timezone.localdate()
        for entry in entries:
            check_keys(
                entry,
                {
                    "library", "municipality", "partners", "agreements", "document", "status", "adopted_on",
                    "title", "summary", "action_item",
                },
            )  # fmt: skip
            values = {
                **translated(entry, "title"),
                **translated(entry, "summary"),
                "library": organisation(organisations, entry["library"]),
                "municipality": entry.get("municipality", ""),
                "status": entry["status"],
                "adopted_on": entry.get("adopted_on"),
                "document": by_slug(Resource, entry["document"]) if "document" in entry else None,
                "is_sample": True,
            }
            m2m = {
                "partners": [organisation(organisations, slug) for slug in entry.get("partners", [])],
                "agreements": [by_slug(Agreement, slug) for slug in entry.get("agreements", [])],
            }
            strategy = self.upsert(Strategy, {"slug": slugify(entry["title"]["en"])}, values, m2m=m2m)
            for position, item in enumerate(entry.get("action_item", []), start=1):
                check_keys(item, {"status", "responsible", "due_on", "due", "events", "title"})
                values = {
                    **translated(item, "title"),
                    "status": item["status"],
                    "responsible": organisation(organisations, item["responsible"]) if "responsible" in item else None,
                    "due_on": due_date(today, item),
                }
                self.upsert(
                    ActionItem,
                    {"strategy": strategy, "position": position},
                    values,
                    m2m={"events": events(item.get("events", []))},
                )

    # --- Writing ------------------------------------------------------------------------------------------------

    def upsert(self, model, lookup, values, *, m2m=None, save=None):
        """Create or update the record found by `lookup` (its slug, say), writing only when a value differs;
        validate before saving."""
        instance = model.objects.filter(**lookup).first()
        created = instance is None
        if created:
            instance = model(**lookup)
        changed = created
        for name, value in values.items():
            if created or getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        if changed:
            try:
                if save:
                    save(instance)
                else:
                    instance.full_clean()
                    instance.save()
            except ValidationError as error:
                raise CommandError(f"{model.__name__} {describe(lookup)}: {error}") from error
        for name, targets in (m2m or {}).items():
            manager = getattr(instance, name)
            if set(manager.values_list("pk", flat=True)) != {target.pk for target in targets}:
                manager.set(targets)
                changed = True
        self.tally[model.__name__]["created" if created else "updated" if changed else "unchanged"] += 1
        return instance


def save_event(event):
    """Validate and save a demo event. A cancelled one not yet public is saved published first, as staff publish an
    event before they cancel it: only an event that has been published can be cancelled."""
    if event.status == Event.Status.CANCELLED and not Event.objects.published().filter(pk=event.pk).exists():
        event.status = Event.Status.PUBLISHED
        event.full_clean()
        event.save()
        event.status = Event.Status.CANCELLED
    event.full_clean()
    event.save()


def read_toml(name):
    with (DEMO_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def check_keys(entry, allowed):
    """A misspelt key in the data files is an error, not a silently missing value."""
    unknown = set(entry) - allowed
    if unknown:
        raise CommandError(f"Unknown demo data key(s) {sorted(unknown)} in {entry}")


def access_facts(entry):
    """The boolean columns of the entry's `access` list of `AccessFact` codes (an unknown code is an error)."""
    codes = entry.get("access", [])
    unknown = set(codes) - set(ACCESS_FACT_FIELDS)
    if unknown:
        raise CommandError(f"Unknown accessibility facts: {', '.join(sorted(unknown))}")
    return {column: code in codes for code, column in ACCESS_FACT_FIELDS.items()}


def translated(entry, field, *, required=True):
    """`{"title": {"lv": …, "en": …}}` → `{"title_lv": …, "title_en": …}`, every content language required."""
    texts = entry.get(field, {})
    missing = [code for code in CONTENT_LANGUAGES if not texts.get(code)]
    if missing and (required or texts):
        raise CommandError(f"{field!r} lacks a translation into {', '.join(missing)} in {entry}")
    return {f"{field}_{code}": texts.get(code, "") for code in CONTENT_LANGUAGES}


def due_date(today, item):
    """An action item's due date: `due_on` as given, or `due` weeks after the day of loading."""
    if "due" in item:
        return today + datetime.timedelta(weeks=item["due"]["weeks"])
    return item.get("due_on")


def describe(lookup):
    return ", ".join(f"{name}={value}" if name != "slug" else repr(value) for name, value in lookup.items())


def by_slug(model, slug):
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise CommandError(f"Unknown {model._meta.model_name} {slug!r} in the demo data.") from None


def events(slugs):
    return [by_slug(Event, slug) for slug in slugs]


def organisation(organisations, slug):
    try:
        return organisations[slug]
    except KeyError:
        raise CommandError(f"Unknown organisation {slug!r} in the demo data.") from None


def aware(moment):
    return timezone.make_aware(moment, timezone.get_default_timezone())


def sample_period(today, when):
    """Start and end of a sample event: `week` weeks and `day` days after the first Tuesday after `today`."""
    first_tuesday = today + datetime.timedelta(days=(TUESDAY - today.weekday()) % 7 or 7)
    day = first_tuesday + datetime.timedelta(weeks=when["week"], days=when["day"])
    starts, ends = (datetime.time.fromisoformat(when[key]) for key in ("starts", "ends"))
    return aware(datetime.datetime.combine(day, starts)), aware(datetime.datetime.combine(day, ends))
