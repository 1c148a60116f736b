"""Announcing one new event to many alerts: wall time and peak memory, against the mail backend alone.

    createdb -h 127.0.0.1 -U postgres libri_alerts_bench
    .venv/bin/python benchmarks/alerts.py                     # 100,000 confirmed alerts
    .venv/bin/python benchmarks/alerts.py --sizes 2000        # a quick look
    .venv/bin/python benchmarks/alerts.py --reuse             # measure again without filling

For each size N, one run: fills the benchmark database with N confirmed alerts that all match the event (the
four interface languages in turn, so the e-mails are rendered in each), then measures, each in a fresh process so
that peak memory is the measurement's own:

- announce: a draft Ukrainian event is published through `activities.services.event_publish`, the path the
  admin takes; without a broker the task runs in the same process after the commit, as on a machine without
  Redis, so the time is the whole of it: the ledger's N rows written, then for each alert its row locked, the
  e-mail built (with its own unsubscribe and change links and headers), the row marked sent, the e-mail handed to
  the mail backend and the transaction committed, one alert after the other;
- backend: N e-mails of the same size and headers, made from fixed strings with no database, handed to the same
  mail backend one at a time over one connection, as the announcement does: the cost of the sending itself.

The mail backend (`SerialisingBackend` below) turns each message into the bytes an SMTP server would receive
(`message.message().as_bytes()`, the MIME work Django's SMTP backend does) and drops them, counting: the network
and the mail server are left out of both sides. Peak memory is the process's maximum resident set (`VmHWM`),
Django and the interpreter included. Results go to benchmarks/results/alerts.txt.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "alerts.txt"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/libri_alerts_bench"
FILL_BATCH = 10_000


class SerialisingBackend(BaseEmailBackend):
    """Makes every message into the bytes an SMTP server would be sent, then drops them."""

    sent = 0
    bytes = 0

    def send_messages(self, email_messages):
        for message in email_messages:
            SerialisingBackend.bytes += len(message.message().as_bytes())
        SerialisingBackend.sent += len(email_messages)
        return len(email_messages)


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "1"
    os.environ["EMAIL_BACKEND"] = "__main__.SerialisingBackend"
    os.environ["SITE_URL"] = "https://libri.example.org"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def library():
    from partners.models import Organisation

    organisation, _created = Organisation.objects.get_or_create(
        slug="bench-jelgava",
        defaults={"name": "Jelgavas pilsētas bibliotēka", "kind": Organisation.Kind.PARTNER_LIBRARY, "city": "Jelgava"},
    )
    return organisation


def filled_for(size):
    from activities.models import EventAlert

    return EventAlert.objects.confirmed().count() == size == EventAlert.objects.count()


def fill(size):
    from django.db import connection, transaction
    from django.utils import timezone

    from activities.models import EventAlert, new_registration_token

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE activities_alertdelivery, activities_eventalert CASCADE")
    languages = ["uk", "lv", "ru", "en"]
    now = timezone.now()
    for start in range(0, size, FILL_BATCH):
        with transaction.atomic():
            EventAlert.objects.bulk_create(
                EventAlert(
                    email=f"person{number}@example.org",
                    language=languages[number % 4],
                    event_language="uk",
                    city="Jelgava" if number % 2 else "",
                    token=new_registration_token(),
                    created_at=now,
                    confirmed_at=now,
                )
                for number in range(start, min(start + FILL_BATCH, size))
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE activities_eventalert")


def measure_announce():
    """Publish a new event; seconds, e-mails sent and ledger rows marked sent."""
    from django.utils import timezone

    from activities import services
    from activities.models import AlertDelivery, Event

    starts = timezone.now() + datetime.timedelta(days=10)
    event = Event.objects.create(
        title="Seminārs par darba tiesībām",
        title_uk="Семінар про трудові права",
        slug=f"bench-alerts-{time.time_ns()}",
        organiser=library(),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        languages=["uk"],
        audience=["tcn"],
        status=Event.Status.DRAFT,
    )
    began = time.perf_counter()
    services.event_publish(event=event)  # commits; the task then runs inline (no broker)
    seconds = time.perf_counter() - began
    marked = AlertDelivery.objects.filter(event=event, sent_at__isnull=False).count()
    return seconds, marked


def measure_backend(size):
    """The same number of e-mails, of about the same size and the same headers, through the same backend, one at a
    time; seconds (and no ledger)."""
    from django.core.mail import EmailMessage, get_connection

    body = "x" * 900
    link = "https://libri.example.org/uk/events/alerts/unsubscribe/" + "t" * 80 + "/"
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    began = time.perf_counter()
    connection = get_connection()
    with connection:
        for n in range(size):
            connection.send_messages(
                [
                    EmailMessage(
                        "Нова подія: Семінар про трудові права", body, None, [f"person{n}@example.org"], headers=headers
                    )
                ]
            )
    return time.perf_counter() - began, None


def peak_resident_mb():
    """The process's peak resident set (VmHWM): unlike getrusage's ru_maxrss, not the parent's through fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args):
    setup_django(args.database)
    if args.measure == "announce":
        seconds, marked = measure_announce()
    else:
        seconds, marked = measure_backend(args.size)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "sent": SerialisingBackend.sent,
                "bytes": SerialisingBackend.bytes,
                "marked": marked,
                "peak_mb": peak_resident_mb(),
            }
        )
    )


def run(measure, size, args):
    output = subprocess.run(
        [sys.executable, __file__, "--database", args.database, "--measure", measure, "--size", str(size)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--reuse", action="store_true", help="keep the alerts of an earlier run of the same size")
    parser.add_argument("--measure", choices=["announce", "backend"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child(args)
        return

    env = {**os.environ, "DATABASE_URL": args.database, "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django(args.database)
    lines, checks = [], []
    for size in args.sizes:
        began = time.perf_counter()
        if args.reuse and filled_for(size):
            print(f"{size:>9} alerts already there", flush=True)
        else:
            fill(size)
            print(f"{size:>9} alerts filled in {time.perf_counter() - began:.0f} s", flush=True)
        results = {measure: run(measure, size, args) for measure in ("backend", "announce")}
        for measure, result in results.items():
            line = (
                f"{size:>9} alerts  {measure:<8} {result['seconds']:8.1f} s  peak {result['peak_mb']:6.1f} MB  "
                f"sent {result['sent']:>7}  ({result['bytes'] / 1e6:.0f} MB of mail)"
                + ("" if result["marked"] is None else f"  ledger rows marked sent {result['marked']}")
            )
            print(line, flush=True)
            lines.append(line)
        announce, backend = results["announce"], results["backend"]
        if announce["sent"] != size or announce["marked"] != size:
            checks.append(f"{size:>9} alerts: WRONG: {announce['sent']} sent, {announce['marked']} marked")
        checks.append(
            f"{size:>9} alerts: announce / backend alone = {announce['seconds'] / backend['seconds']:.2f} "
            f"({announce['seconds'] / size * 1000:.2f} ms per alert), peak memory "
            f"{announce['peak_mb']:.1f} MB against {backend['peak_mb']:.1f} MB"
        )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    load = os.getloadavg()
    header = [
        f"date: {datetime.datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"commit: {commit.strip()}",
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        f"command: {' '.join(sys.argv)}",
    ]
    text = "\n".join([*header, "", *lines, "", *checks]) + "\n"
    print("\n".join(checks))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
