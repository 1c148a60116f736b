"""The API's event list against the event list page, both built on every request, with 5,000 events.

    .venv/bin/python benchmarks/api_events.py              # about a minute
    .venv/bin/python benchmarks/api_events.py --rounds 9 --requests 40

One run: a fresh SQLite database in a temporary folder with 5,000 published upcoming events from 10 organisers
(each event with a co-organiser), the portal with DEBUG off and the production middleware, requests through
Django's test client in this process (no network, so only the portal's own work is measured), alternating:

- page: `/lv/events/?language=all&visit=N`, the event list page (20 events, filters, counts per language);
- api:  `/api/v1/events/?page_size=20&visit=N`, the same 20 events as JSON with every language of every text.

`visit=N` is new on every request, so neither the page cache nor a conditional answer ever serves it: each one is
built in full. The result is the ratio of the median times per request (api / page), with the medians themselves,
written to benchmarks/results/api_events.txt with the date, commit, machine and command.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "api_events.txt"
EVENTS = 5_000


def setup_django(folder):
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        MEDIA_ROOT=str(Path(folder) / "media"),
        DEBUG="0",
        SECRET_KEY="benchmark-only-0123456789abcdefghijklmnopqrstuvwxyz0123456789",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        OPEN_DATA_API_RATE="1000000/minute",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv", "staticfiles"])


def fill():
    from django.utils import timezone

    from activities.models import Event
    from partners.models import Organisation

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bibliotēka {n}", name_lv=f"Bibliotēka {n}", slug=f"biblioteka-{n}", city="Ogre")
        for n in range(10)
    )
    start = timezone.now() + datetime.timedelta(days=1)
    events = Event.objects.bulk_create(
        Event(
            title_lv=f"Seminārs {n}",
            title_en=f"Seminar {n}",
            title_uk=f"Семінар {n}",
            summary_lv="Informatīvs seminārs jaunpienācējiem.",
            summary_uk="Інформаційний семінар для новоприбулих.",
            slug=f"seminars-{n}",
            organiser=organisations[n % 10],
            starts_at=start + datetime.timedelta(hours=n),
            ends_at=start + datetime.timedelta(hours=n + 2),
            languages=["lv", "uk"] if n % 2 else ["lv"],
            audience=["tcn"],
            status=Event.Status.PUBLISHED,
        )
        for n in range(EVENTS)
    )
    through = Event.co_organisers.through
    through.objects.bulk_create(
        through(event_id=event.pk, organisation_id=organisations[(index + 1) % 10].pk)
        for index, event in enumerate(events)
    )


def measure(rounds, requests):
    from django.test import Client

    client = Client(headers={"accept-language": "lv"})
    paths = {"page": "/lv/events/?language=all", "api": "/api/v1/events/?page_size=20"}
    for path in paths.values():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times = {name: [] for name in paths}
    visit = 0
    for _round in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            for _ in range(requests):
                visit += 1
                response = client.get(f"{path}&visit={visit}")
                assert response.status_code == 200
            times[name].append((time.perf_counter() - started) / requests)
    return {name: statistics.median(values) for name, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="libri-bench-api-") as folder:
        setup_django(folder)
        fill()
        medians = measure(args.rounds, args.requests)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    lines = [
        f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"commit: {commit.strip()}",
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, SQLite",
        f"command: .venv/bin/python benchmarks/api_events.py --rounds {args.rounds} --requests {args.requests}",
        f"events: {EVENTS}",
        f"event list page, built per request: {medians['page'] * 1000:.1f} ms (median of {args.rounds} rounds)",
        f"API /api/v1/events/?page_size=20, built per request: {medians['api'] * 1000:.1f} ms",
        f"ratio api / page: {medians['api'] / medians['page']:.2f}",
    ]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
