"""Progress report at scale: wall time and peak memory of the CSV and XLSX builds against PostgreSQL COPY.

    createdb -h 127.0.0.1 -U postgres libri_report_bench
    .venv/bin/python benchmarks/report_scale.py                      # 100k and 1M rows, several minutes
    .venv/bin/python benchmarks/report_scale.py --sizes 20000        # a quick look
    .venv/bin/python benchmarks/report_scale.py --sizes 1000000 --reuse   # measure again without filling

For each size N (attendance + registration rows), one run: empties the benchmark database's events, fills it
with N/5 published events in 2025, each with attendance counts (N/5 rows) and four registrations (4N/5 rows),
vacuums and analyses it (`--reuse` keeps a database already filled for N), then measures, each in a fresh
process so that peak memory is the build's own:

- copy: PostgreSQL `COPY ... TO STDOUT` of the same attendance and registration rows into a file (psycopg);
- csv:  `portal.services.report_build` of a CSV-in-ZIP report over the whole year, outside a transaction as in the
        Celery worker;
- xlsx: the same report as an XLSX workbook.

COPY and CSV are measured `--rounds` times (3), alternating, and the fastest of each counts: on a shared machine it
is the one least slowed by other work. XLSX runs once. Peak memory is the process's maximum resident set size
(`VmHWM`), Django and the interpreter included, the largest of the runs. Targets
(issue 14): at 1M rows peak memory under 200 MB, CSV within 5x the COPY time, XLSX within 10x the CSV time.
Results go to benchmarks/results/report_scale.txt.
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

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "report_scale.txt"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/libri_report_bench"
BATCH = 10_000


def setup_django(database_url, media_root):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "1"
    os.environ["MEDIA_ROOT"] = str(media_root)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def filled_for(rows):
    """Whether the database holds the data `fill(rows)` makes."""
    from activities.models import Attendance, Registration

    return Attendance.objects.count() == rows // 5 and Registration.objects.count() == 4 * (rows // 5)


def reference_of(number):
    """`number` written in the registration references' alphabet, as long as a reference."""
    from activities.models import REFERENCE_ALPHABET, REFERENCE_LENGTH

    digits = []
    for _position in range(REFERENCE_LENGTH):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        digits.append(REFERENCE_ALPHABET[digit])
    return "".join(reversed(digits))


def fill(rows):
    """N/5 events with attendance and 4 registrations each, spread over 2025 (Riga)."""
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction

    from activities.models import Attendance, Event, Registration
    from partners.models import Organisation

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE activities_registration, activities_attendance, activities_registrationtally, "
            "activities_event_co_organisers, resources_resource_related_events, activities_event CASCADE"
        )
    libraries = []
    for number in range(20):
        library, _created = Organisation.objects.get_or_create(
            slug=f"bench-library-{number}",
            defaults={"name": f"Bibliotēka {number}", "kind": Organisation.Kind.PARTNER_LIBRARY, "city": "Rīga"},
        )
        libraries.append(library)
    events = rows // 5
    riga = ZoneInfo("Europe/Riga")
    start = datetime.datetime(2025, 1, 1, 10, tzinfo=riga)
    step = datetime.timedelta(days=364) / max(events, 1)
    kinds = [choice for choice, _label in Event.Kind.choices]
    activity_types = [choice for choice, _label in Attendance.ActivityType.choices]
    statuses = ["confirmed", "confirmed", "waiting", "cancelled"]
    made = 0
    while made < events:
        count = min(BATCH, events - made)
        with transaction.atomic():
            batch = []
            for index in range(made, made + count):
                starts_at = start + step * index
                batch.append(
                    Event(
                        title=f"Seminārs {index}",
                        title_en=f"Seminar {index}",
                        slug=f"bench-{index}",
                        kind=kinds[index % len(kinds)],
                        organiser=libraries[index % len(libraries)],
                        starts_at=starts_at,
                        ends_at=starts_at + datetime.timedelta(hours=2),
                        languages=["lv", "uk"] if index % 3 else ["ru"],
                        audience=["tcn"],
                        status=Event.Status.PUBLISHED,
                    )
                )
            created = Event.objects.bulk_create(batch)
            Attendance.objects.bulk_create(
                Attendance(
                    event=event,
                    activity_type=activity_types[event.pk % len(activity_types)],
                    total=20,
                    third_country_nationals=12,
                    age_18_29=8,
                    age_30_49=9,
                    women=11,
                    men=9,
                )
                for event in created
            )
            Registration.objects.bulk_create(
                Registration(
                    event=event,
                    name="Dalībnieks",
                    email=f"p{n}-{event.pk}@example.org",
                    language="uk",
                    status=statuses[n],
                    consent_at=event.starts_at,
                    created_at=event.starts_at - datetime.timedelta(days=2, minutes=n),
                    # Drawn at random, 800,000 references would collide (the service draws again; bulk_create
                    # cannot): each row gets its number written in the references' alphabet instead.
                    reference=reference_of(event.pk * 4 + n),
                )
                for event in created
                for n in range(4)
            )
        made += count
    # As autovacuum leaves a live database: without it, whichever measurement reads the new rows first (COPY) also
    # pays for marking them as committed, once for all the others.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure_copy(out):
    """COPY the attendance and registration rows to a file; seconds."""
    from django.db import connection

    began = time.perf_counter()
    with open(out, "wb") as target, connection.cursor() as cursor:
        raw = cursor.cursor
        for table in ("activities_attendance", "activities_registration"):
            with raw.copy(f"COPY {table} TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    target.write(block)
    return time.perf_counter() - began


def measure_build(report_format):
    """Build one report over 2025 in this process; seconds and the file size."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from portal import services
    from portal.models import Report

    user, _created = get_user_model().objects.get_or_create(username="bench-coordinator")
    report = Report.objects.create(
        requested_by=user,
        period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2025, 12, 31),
        format=report_format,
        language="en",
    )
    began = time.perf_counter()
    with translation.override("en"):
        services.report_build(report_id=report.pk)
    seconds = time.perf_counter() - began
    report.refresh_from_db()
    if report.status != Report.Status.DONE:
        raise SystemExit(f"report failed: {report.error}")
    return seconds, report.file_size


def child(args):
    """One measurement in a fresh process; prints JSON with seconds, bytes and peak RSS in MB."""
    setup_django(args.database, args.media)
    if args.measure == "copy":
        seconds, size = measure_copy(args.media / "copy.csv"), (args.media / "copy.csv").stat().st_size
    else:
        seconds, size = measure_build(args.measure)
    print(json.dumps({"seconds": seconds, "bytes": size, "peak_mb": peak_resident_mb()}))


def peak_resident_mb():
    """The process's peak resident set (VmHWM): unlike getrusage's ru_maxrss, it does not carry over the parent's
    peak through fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(measure, args):
    output = subprocess.run(
        [sys.executable, __file__, "--database", args.database, "--media", str(args.media), "--measure", measure],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--media", type=Path, default=Path("/tmp/libri-report-bench-media"))
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run of the same size")
    parser.add_argument("--rounds", type=int, default=3, help="COPY and CSV measurements per size (the fastest counts)")
    parser.add_argument("--measure", choices=["copy", "csv_zip", "xlsx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.media.mkdir(parents=True, exist_ok=True)
    if args.measure:
        child(args)
        return

    env = {**os.environ, "DATABASE_URL": args.database, "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django(args.database, args.media)
    lines = []
    results = {}
    for rows in args.sizes:
        began = time.perf_counter()
        if args.reuse and filled_for(rows):
            print(f"{rows:>9} rows already there", flush=True)
        else:
            fill(rows)
            print(f"{rows:>9} rows filled in {time.perf_counter() - began:.0f} s", flush=True)
        # COPY and CSV alternate, `--rounds` times each: on a shared machine the fastest of each is the one least
        # slowed by other work, and the ratio is taken between those. XLSX, far within its target, runs once.
        runs = {"copy": [], "csv_zip": []}
        for _round in range(args.rounds):
            for measure in runs:
                runs[measure].append(run(measure, args))
        runs["xlsx"] = [run("xlsx", args)]
        results[rows] = {}
        for measure, done in runs.items():
            best = min(done, key=lambda result: result["seconds"])
            peak = max(result["peak_mb"] for result in done)
            results[rows][measure] = {**best, "peak_mb": peak}
            seconds = ", ".join(f"{result['seconds']:.1f}" for result in done)
            line = (
                f"{rows:>9} rows  {measure:<8} {best['seconds']:8.1f} s  peak {peak:6.1f} MB  "
                f"file {best['bytes'] / 1e6:7.1f} MB  (runs: {seconds} s)"
            )
            print(line, flush=True)
            lines.append(line)

    checks = []
    largest, smallest = max(results), min(results)
    for rows, result in sorted(results.items()):
        csv_ratio = result["csv_zip"]["seconds"] / result["copy"]["seconds"]
        xlsx_ratio = result["xlsx"]["seconds"] / result["csv_zip"]["seconds"]
        checks.append(
            f"{rows:>9} rows: CSV / COPY = {csv_ratio:.2f} (target < 5), XLSX / CSV = {xlsx_ratio:.2f} (< 10)"
        )
    peak_large = max(results[largest][m]["peak_mb"] for m in ("csv_zip", "xlsx"))
    peak_small = max(results[smallest][m]["peak_mb"] for m in ("csv_zip", "xlsx"))
    checks.append(f"peak memory at {largest} rows: {peak_large:.1f} MB (target < 200)")
    if largest != smallest:
        checks.append(f"peak growth {smallest} -> {largest} rows: {peak_large - peak_small:+.1f} MB")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    header = [
        f"date: {datetime.datetime.now().isoformat(timespec='minutes')}",
        f"commit: {commit.strip()}",
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"command: {' '.join(sys.argv)}",
    ]
    text = "\n".join([*header, "", *lines, "", *checks]) + "\n"
    print("\n".join(checks))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
