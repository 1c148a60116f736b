"""Shared helpers of the portal tests: the demo data loader run as `make run` runs it, and its models."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from activities.models import Event
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from portal import celery_app
from resources.models import ActionItem, GoodPractice, Resource, Strategy

RIGA = ZoneInfo("Europe/Riga")


# A Thursday: the first Tuesday after it, where the sample events start, is 1 December 2026.
LOAD_MOMENT = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=RIGA)


MODELS = (Organisation, Agreement, Event, Initiative, Resource, GoodPractice, Strategy, ActionItem)


SLUGGED_MODELS = (Organisation, Agreement, Event, Initiative, Resource, Strategy)


LANGUAGES = ("lv", "en", "uk", "ru")


def run_load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def point_celery_at(**conf):
    """Point this process's Celery app at another broker: new settings, and connection pools made afresh."""
    celery_app.conf.update(conf)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
