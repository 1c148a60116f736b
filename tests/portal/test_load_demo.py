import datetime
import re
import shutil

import pytest
from django.core.management import CommandError
from django.utils import timezone

from activities.models import Event
from partners.models import Agreement, Organisation
from portal.management.commands import load_demo as load_demo_module
from resources.models import ActionItem, Resource, Strategy
from tests.portal.helpers import MODELS, run_load_demo

pytestmark = pytest.mark.django_db


def snapshot():
    """Every column of every row the command writes, M2M links included, in a comparable form."""
    rows = {}
    for model in MODELS:
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[model.__name__] = list(model.objects.order_by("pk").values_list(*columns))
    for model, name in (
        (Agreement, "parties"),
        (Event, "co_organisers"),
        (Resource, "related_organisations"),
        (Resource, "related_events"),
        (Strategy, "partners"),
        (Strategy, "agreements"),
        (ActionItem, "events"),
    ):
        through = getattr(model, name).through
        rows[through.__name__] = sorted(through.objects.values_list(*(f.attname for f in through._meta.fields)))
    return rows


def test_second_run_on_the_same_day_changes_no_row(traveller):
    run_load_demo()
    first = snapshot()
    # Later the same day: a needless save would show up as a new updated_at.
    traveller.shift(datetime.timedelta(hours=3))
    output = run_load_demo()
    assert snapshot() == first
    lines = output.splitlines()
    assert len(lines) == len(MODELS)
    assert all(re.fullmatch(r"\w+: 0 created, 0 updated, [1-9]\d* unchanged", line) for line in lines), output


def test_first_run_reports_what_it_created(traveller):
    output = run_load_demo()
    assert "organisation: 19 created, 0 updated, 0 unchanged" in output
    assert "agreement: 2 created, 0 updated, 0 unchanged" in output
    assert "goodpractice: 1 created, 0 updated, 0 unchanged" in output
    assert "strategy: 1 created, 0 updated, 0 unchanged" in output
    assert "actionitem: 5 created, 0 updated, 0 unchanged" in output


def test_run_on_a_later_day_moves_the_sample_events_without_duplicating_anything(traveller):
    run_load_demo()
    counts = {model: model.objects.count() for model in MODELS}
    meeting_start = Event.objects.get(is_sample=False).starts_at
    first_sample_start = Event.objects.filter(is_sample=True).earliest("starts_at").starts_at

    traveller.shift(datetime.timedelta(days=14))
    run_load_demo()

    assert {model: model.objects.count() for model in MODELS} == counts
    assert Event.objects.get(is_sample=False).starts_at == meeting_start
    assert Event.objects.filter(is_sample=True).earliest(
        "starts_at"
    ).starts_at == first_sample_start + datetime.timedelta(days=14)
    assert not Event.objects.filter(is_sample=True, starts_at__lte=timezone.now()).exists()
    item = ActionItem.objects.get(position=2)
    assert item.due_on == timezone.localdate() + datetime.timedelta(weeks=12)


@pytest.fixture
def demo_copy(tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    shutil.copytree(load_demo_module.DEMO_DIR, folder)
    monkeypatch.setattr(load_demo_module, "DEMO_DIR", folder)
    return folder


def test_a_missing_translation_stops_the_load_and_writes_nothing(traveller, demo_copy):
    samples = demo_copy / "samples.toml"
    text = samples.read_text(encoding="utf-8")
    samples.write_text(text.replace('title.ru = "Кафе латышского языка в Огре"\n', ""), encoding="utf-8")

    with pytest.raises(CommandError, match="translation into ru"):
        run_load_demo()
    assert not Organisation.objects.exists()


def test_invalid_demo_data_fails_validation_loudly(traveller, demo_copy):
    samples = demo_copy / "samples.toml"
    text = samples.read_text(encoding="utf-8")
    samples.write_text(text.replace('starts = "17:30", ends = "19:00"', 'starts = "19:00", ends = "17:30"'))

    with pytest.raises(CommandError, match="latvian-language-cafe-in-ogre"):
        run_load_demo()
    assert not Event.objects.exists()
