"""Event list throughput with 5,000 events: built per request, from the page cache, and answered 304, against a
text page of the same site and a minimal Django view returning the same bytes, in one run.

    .venv/bin/python benchmarks/events_list.py            # about 2 minutes; needs gunicorn and wrk
    .venv/bin/python benchmarks/events_list.py --seconds 10 --rounds 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/libri_events_bench .venv/bin/python benchmarks/events_list.py

One run: builds a fresh database (a SQLite file in a temporary folder, or the database DATABASE_URL names, emptied
first) with 5,000 published upcoming events, starts gunicorn on 127.0.0.1 with the portal (DEBUG off, the
production middleware and settings: persistent database connections, the local-memory caches unless
REDIS_CACHE_URL is given) plus one extra URL, a minimal Django view returning the captured bytes of the list page,
and measures with wrk (Debian: `apt-get install wrk`), one tier after the other, in rounds:

- minimal:     the minimal view (same middleware, no queries, no template);
- text page:   the privacy notice: a page of the same base template without a query or a form;
- built:       the event list built on every request: every request asks for a period no earlier request asked for
               (`date_from` and `date_to`, from a shuffled list that each wrk run takes its own slice of), so no
               page was stored for it, and the counts per language of that period are counted; what is computed
               once per data version (the filter choices, each choice field with the value sent, each event's card)
               comes from the caches, as for a visitor (the cards are warmed first: every page of the list, as
               often as it takes for every worker to have them all);
- cached:      the same list URL again: Django's cache middleware answers from the page cache;
- conditional: the same list URL with the ETag it gave (If-None-Match): 304 Not Modified.

The ratios (built / text page; cached and conditional / minimal) and the command line are written to
benchmarks/results/events_list.txt. Targets (issue 11): built >= 0.33 of the text page, cached and conditional
>= 0.8 of the minimal view.

Imported by gunicorn (`events_list:application`), this module is the WSGI application instead: the portal's
URLs plus the minimal view.
"""

import argparse
import concurrent.futures
import datetime
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "events_list.txt"
LIST_PATH = "/lv/events/?language=all"
# Distinct periods asked for by the built tier: pairs of days within the events' year and a half.
PERIOD_DAYS = 540
MINIMAL_PATH = "/bench/minimal/"
TEXT_PAGE_PATH = "/lv/privacy/"
# wrk asks for a period of its own on every request: thread N of a run takes the queries N, N + threads, ... of
# that run's slice of the shuffled list, so neither two requests of a run nor two runs ask for the same page.
PERIODS_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
  thread:set("stride", THREADS)
end
local queries = {QUERIES}
local n = 0
function request()
  local index = id + n * stride
  n = n + 1
  return wrk.format("GET", wrk.path .. queries[((index - 1) % #queries) + 1])
end
"""
EVENTS = 5000


# --- The WSGI application gunicorn runs -------------------------------------------------------------------------

if __name__ != "__main__":
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    # The portal's URLs plus the minimal view; set before Django loads the URLconf (this process only). The
    # catalogues compiled into the benchmark's folder, so that the working tree's locale/ is left as it is.
    settings.ROOT_URLCONF = __name__
    settings.LOCALE_PATHS = [os.environ["BENCH_LOCALE"]]
    django.setup()

    from django.core.wsgi import get_wsgi_application

    _captured = Path(os.environ["BENCH_CAPTURED"])

    def minimal(request):
        """The floor: Django with the same middleware, returning the list page's bytes as they are."""
        return HttpResponse(_captured.read_bytes(), content_type="text/html; charset=utf-8")

    from portal.urls import urlpatterns as portal_urlpatterns

    urlpatterns = [path(MINIMAL_PATH.strip("/") + "/", minimal), *portal_urlpatterns]
    application = get_wsgi_application()


# --- The driver -------------------------------------------------------------------------------------------------


def environment(folder):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-6d1f7a0e2c9b4e58a3f1d2c4b5a69788",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        "BENCH_CAPTURED": str(folder / "captured.html"),
        "BENCH_LOCALE": str(folder / "locale"),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}",
    }


SEED = """
import datetime, random
from django.utils import timezone
from activities.models import Event
from partners.models import Organisation

random.seed(4)
cities = ["Ogre", "Jelgava", "Rīga", "Valmiera", "Liepāja", "Daugavpils", "Cēsis", "Tukums"]
organisations = Organisation.objects.bulk_create(
    Organisation(kind="partner_library", name=f"Bibliotēka {n}", slug=f"biblioteka-{n}", city=cities[n % 8],
                 street_address="Brīvības iela 1", country="LV")
    for n in range(40)
)
languages = ["lv", "uk", "ru", "en", "ar", "uz"]
kinds = [kind for kind, _label in Event.Kind.choices]
now = timezone.now()
events = []
for n in range(EVENT_COUNT):
    starts = now + datetime.timedelta(hours=2 + n * 3)
    events.append(Event(
        title_lv=f"Seminārs {n}", title_uk=f"Семінар {n}", title_en=f"Seminar {n}",
        summary_lv="Informatīvs seminārs jaunpienācējiem par darbu, mājokli un valodu.",
        slug=f"seminars-{n}", kind=kinds[n % len(kinds)], organiser=organisations[n % 40],
        venue_organisation=organisations[n % 40], starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
        languages=random.sample(languages, 2), audience=["tcn"], status="published",
    ))
Event.objects.bulk_create(events, batch_size=500)
print(Event.objects.count(), "events")
"""


def compile_catalogues(target):
    """The portal's message catalogues compiled into `target` (polib, a dev dependency), not next to their .po
    files: `compilemessages` would rewrite the .mo files of the shared working tree."""
    import polib

    for po in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"):
        mo = target / po.relative_to(ROOT / "locale").with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        polib.pofile(str(po)).save_as_mofile(str(mo))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, deadline=30):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def period_queries():
    """Every period of two days within PERIOD_DAYS as a query string suffix, shuffled: more than any run asks for."""
    start = datetime.date.today()
    days = [start + datetime.timedelta(days=n) for n in range(PERIOD_DAYS)]
    queries = [
        f"&date_from={first.isoformat()}&date_to={last.isoformat()}"
        for index, first in enumerate(days)
        for last in days[index : index + 90]
    ]
    random.shuffle(queries)
    return queries


_used = 0


def periods_script(folder, queries, *, threads, per_run=6000):
    """A wrk script that asks for the next `per_run` periods nobody asked for, one per request."""
    global _used
    chosen, _used = queries[_used : _used + per_run], _used + per_run
    if len(chosen) < per_run:
        raise SystemExit("not enough distinct periods for this many runs: lower --rounds or --seconds")
    script = folder / f"periods-{_used}.lua"
    quoted = ",".join(f'"{query}"' for query in chosen)
    script.write_text(PERIODS_SCRIPT.replace("THREADS", str(threads)).replace("{QUERIES}", "{" + quoted + "}"))
    return script


def warm_cards(url, pages, *, workers, connections):
    """Ask for the list's pages 1 to `pages` (each with a parameter the list does not read, so the answer is built
    every time and kept by no cache) as often as it takes for every worker to have rendered every page's cards.

    Which worker answers a request is chance, so each page is asked for `passes` times, enough that the odds of
    some worker missing some page stay below 1 in 100. A count, not a rate that levels off: on a loaded machine
    the rate wobbles and a warm-up that stops when it seems flat leaves workers with cold cards, which the built
    tier would then render (and be measured with). Returns the number of requests made."""
    passes = math.ceil(math.log(0.01 / (pages * workers)) / math.log(1 - 1 / workers)) if workers > 1 else 1
    pages_asked = [page for _pass in range(passes) for page in range(1, pages + 1)]

    def ask(page):
        with urllib.request.urlopen(f"{url}&page={page}&warm-up=1", timeout=60) as response:
            response.read()

    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        list(pool.map(ask, pages_asked))
    return len(pages_asked)


def wrk(url, *, seconds, threads, connections, headers=(), script=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{output}")
    return rate, " ".join([*command, url]), output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="duration of each wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every tier (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument(
        "--events", type=int, default=EVENTS, help=f"upcoming events, one every 3 hours (default {EVENTS})"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    python = sys.executable
    folder = Path(tempfile.mkdtemp(prefix="libri-bench-"))
    env = environment(folder)
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    if os.environ.get("DATABASE_URL"):
        subprocess.run([*manage, "flush", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    compile_catalogues(folder / "locale")
    subprocess.run(
        [*manage, "shell", "-c", SEED.replace("EVENT_COUNT", str(args.events))], env=env, check=True, cwd=ROOT
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            python, "-m", "gunicorn", "events_list:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--worker-class", "sync",
            "--log-level", "warning",
        ],
        env=env,
        cwd=ROOT / "benchmarks",
    )  # fmt: skip
    try:
        wait_for(base + "/healthz")
        with urllib.request.urlopen(base + LIST_PATH) as response:
            body = response.read()
            etag = response.headers["ETag"]
        (folder / "captured.html").write_bytes(body)
        with urllib.request.urlopen(base + MINIMAL_PATH) as response:
            assert response.read() == body, "the minimal view must return the same bytes"
        assert etag, "the event list gives no ETag"

        options = {"threads": 2, "connections": args.connections}
        periods = period_queries()
        tiers = {
            "minimal": {"url": base + MINIMAL_PATH},
            "text page": {"url": base + TEXT_PAGE_PATH},
            "built": {"url": base + LIST_PATH, "periods": periods},
            "cached": {"url": base + LIST_PATH},
            "conditional": {"url": base + LIST_PATH, "headers": [f"If-None-Match: {etag}"]},
        }
        wrk(tiers["minimal"]["url"], seconds=2, **options)  # warm-up
        # Every page of the list, over and over: each worker renders each event's card once and keeps it, as on a
        # site whose events have not changed for a while (a change renders each card once more).
        # The pages whose events the periods below reach: one event every 3 hours over PERIOD_DAYS.
        pages = -(-min(args.events, PERIOD_DAYS * 8) // 20)
        started = time.monotonic()
        asked = warm_cards(base + LIST_PATH, pages, workers=args.workers, connections=args.connections)
        print(f"warm-up: {asked} requests for the {pages} pages of the list in {time.monotonic() - started:.0f} s")
        # Rounds of every tier one after the other, so that a change in the machine's load (it is shared) reaches
        # the minimal view and the list alike: the ratios are taken within each round, then their median.
        rates = {name: [] for name in tiers}
        commands = {}
        for _round in range(args.rounds):
            for name, tier in tiers.items():
                tier = dict(tier)
                url = tier.pop("url")
                if "periods" in tier:
                    # A slice no earlier run used: every request of the tier builds a page nobody asked for yet.
                    tier["script"] = periods_script(folder, tier.pop("periods"), threads=options["threads"])
                rate, commands[name], _ = wrk(url, seconds=args.seconds, **options, **tier)
                rates[name].append(rate)
                time.sleep(1)  # let the workers finish the requests still queued
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    def ratio(name, reference):
        return statistics.median(rate / base for rate, base in zip(rates[name], rates[reference], strict=True))

    ratios = {
        "built": (ratio("built", "text page"), "of the text page; target >= 0.33"),
        "cached": (ratio("cached", "minimal"), "of the minimal view; target >= 0.80"),
        "conditional": (ratio("conditional", "minimal"), "of the minimal view; target >= 0.80 (304 Not Modified)"),
        "text page": (ratio("text page", "minimal"), "of the minimal view; for information"),
    }
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    lines = [
        f"# benchmarks/events_list.py, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, {database}, "
        f"gunicorn {args.workers} sync workers, DEBUG off",
        f"# {args.events} published upcoming events; page {LIST_PATH} ({len(body)} bytes, 20 events per page)",
        f"# command: {python} benchmarks/events_list.py --seconds {args.seconds} --rounds {args.rounds} "
        f"--workers {args.workers} --connections {args.connections} --events {args.events}",
        "",
        "requests per second, round by round:",
        *(f"  {name:<12} {' '.join(f'{rate:9.1f}' for rate in rates[name])}   {commands[name]}" for name in tiers),
        "",
        "ratios (median of the rounds' ratios):",
        *(f"  {name:<12} {value:5.2f}   {meaning}" for name, (value, meaning) in ratios.items()),
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    random.seed(4)
    main()
