"""How the map of initiatives scales: 1,000, 10,000 and 100,000 initiatives, in one run.

For each size and each typical map view (the map data request the page makes for a bbox and zoom) it measures:

* bytes sent, compressed as the browser receives them (gzip);
* server time: cold (nothing cached) and warm (the same request again, as a browser without a session cookie sends
  it), median. Warm requests are answered by Django's cache middleware (`groundwork.caching`, right after
  WhiteNoise, the compression and the conditional-GET middleware) from the page cache, so the warm path and the
  static file path go through nearly the same steps. The views are asked for as the map script asks for them: on
  the grid of tile-wide boxes (`mapping.geojson`, `BBox.snap`);
* the ratio of the warm time to serving the very same compressed bytes as a static file the way the portal serves
  its static files: the file is written into the static root (as `name.json` and `name.json.gz`) and requested
  from a WSGI application built by `get_wsgi_application()` after that, so WhiteNoise's middleware inside the
  portal's own Django application (request set-up, SecurityMiddleware, WhiteNoise) serves it, through the same
  handler and WSGI interface as the map data. The bytes are checked to be identical. Warm and static requests are
  interleaved and the medians compared, so that the machine's load hits both alike;
* for information only, the time through the full middleware chain and view ("full ms"): the same request with a
  session cookie (an unknown one), which skips the page cache as signed-in staff do: the view builds the answer;
* the memory of the process (a web worker) before and after 2,000 distinct pans at a street zoom (each a grid box
  of its own), with the local-memory page cache of the default settings: it must grow by less than 50 MB;
* for information only, the time of a bare WhiteNoise WSGI application outside Django serving the same file (the
  reference this script used until November 2026: tens of microseconds that no Django response can approach);
* at the last size, the same warm view and static file through the production topology (`--proxy`, on by default
  when nginx and wrk are installed): nginx with the repository's configuration (deploy/nginx/, rendered as the
  fault drill renders it, over HTTPS with a self-signed certificate) in front of gunicorn with 2 sync workers; wrk
  (2 threads, 8 connections, gzip accepted) asks for each in turn for 3 s, 3 rounds, and the ratio of their
  requests per second is taken round by round. What visitors without a session get there is the proxy's copy of
  what the portal marked public, the map data and the static file alike;
* the time to a drawn map in headless Chromium, first visit (new browser, cache cleared on the server; the server
  process itself is warm from the earlier sizes, as a long-running worker is) and warm visit: from navigation
  start until the map script has drawn the markers of the first view (tiles answered with an empty response).
  The map script leaves a User Timing mark (`libri:initiative-map-drawn`) in the frame that draws them, and that
  mark is the measurement. The column "polled" is the older reading, `performance.now()`
  once Playwright's waits have seen the markers: its polling interval grows to half a second on long waits, so it
  can be up to that much late. Tile requests are answered with an empty response by a route matched inside the
  browser driver (until November 2026 a Python predicate routed every request through this process, the map data
  included, which delayed them while the server thread was busy).

Targets at 100,000 initiatives: at most 150 KB per view, warm response within 1.5x the static file, drawn map
within 2 s (first and warm visit), memory growth after 2,000 pans under 50 MB. It runs with DEBUG off, on its own
database (never the development one) and static root, and takes a few minutes on SQLite or PostgreSQL:

    .venv/bin/python benchmarks/map_scale.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/libri_map_bench .venv/bin/python benchmarks/map_scale.py

(create the PostgreSQL database first with `createdb -h 127.0.0.1 -U postgres libri_map_bench`).
"""

import argparse
import gzip
import importlib.util
import io
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Production-like: DEBUG off (no query logging, WhiteNoise serving collected files), its own database and files.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "map-benchmark-only-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["SESSION_COOKIE_SECURE"] = "false"
os.environ.setdefault("STATIC_ROOT", "/tmp/libri_map_bench_static")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/libri_map_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from whitenoise import WhiteNoise  # noqa: E402

from mapping.geojson import BBox  # noqa: E402
from mapping.models import Initiative  # noqa: E402
from partners.models import Organisation  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
# Warm, static and bare static requests, interleaved; the full path (built each time) fewer times.
WARM_REPEATS = 200
FULL_REPEATS = 10
PANS = 2000
TARGET_MEMORY_MB = 50
HOST = "127.0.0.1"
# Typical views of the map page: its first view (all of Latvia), a wider look, a city and a street.
VIEWS = {
    "Latvia, zoom 7": "bbox=20.5,55.5,28.5,58.2&zoom=7",
    "Europe, zoom 4": "bbox=-12.0,35.0,40.0,66.0&zoom=4",
    "Riga, zoom 12": "bbox=23.95,56.88,24.30,57.02&zoom=12",
    "street, zoom 16": "bbox=24.10,56.945,24.12,56.953&zoom=16",
}


def on_the_grid(query):
    """The query with its box grown to the grid of its zoom, as the map script asks for it."""
    params = dict(part.split("=", 1) for part in query.split("&"))
    params["bbox"] = str(BBox.parse(params["bbox"]).snap(int(params["zoom"])))
    return "&".join(f"{name}={value}" for name, value in params.items())


VIEWS = {name: on_the_grid(query) for name, query in VIEWS.items()}
TARGET_BYTES = 150 * 1024
TARGET_RATIO = 1.5
TARGET_DRAWN_SECONDS = 2.0
CHROMIUM = os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def populate(count):
    """Exactly `count` published initiatives: most in Latvian towns, the rest spread over Europe."""
    # Straight to SQL: an ORM delete of 100,000 initiatives writes a history record and sends signals for each.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Initiative._meta.db_table}")
    host, _created = Organisation.objects.get_or_create(
        slug="bench-library", defaults={"name": "Benchmark library", "kind": Organisation.Kind.PARTNER_LIBRARY}
    )
    rng = random.Random(count)
    towns = [(56.9496, 24.1052), (56.8162, 24.6140), (56.6511, 23.7214), (57.5383, 25.4263), (55.8747, 26.5362),
             (56.5047, 21.0108), (57.3948, 21.5647), (56.9677, 23.7741)]  # fmt: skip
    categories = Initiative.Category.values
    languages = ["lv", "uk", "ru", "en", "ar", "be"]
    batch = []
    for number in range(count):
        if number % 4:
            latitude, longitude = rng.choice(towns)
            latitude += rng.gauss(0, 0.05)
            longitude += rng.gauss(0, 0.08)
        else:
            latitude, longitude = rng.uniform(36, 66), rng.uniform(-10, 38)
        batch.append(
            Initiative(
                slug=f"bench-{number}",
                title_lv=f"Iniciatīva {number}",
                title_en=f"Initiative {number}",
                category=categories[number % len(categories)],
                languages=rng.sample(languages, 2),
                target_groups=["adults"],
                host=host,
                city="Rīga",
                latitude=Decimal(f"{latitude:.5f}"),
                longitude=Decimal(f"{longitude:.5f}"),
                status=Initiative.Status.PUBLISHED,
            )
        )
        if len(batch) == 5000:
            Initiative.objects.bulk_create(batch)
            batch = []
    Initiative.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE mapping_initiative")


def call(app, path, query="", headers=None):
    """One request through a WSGI application, as a server would make it; returns (seconds, status, headers, body)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": HOST,
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **(headers or {}),
    }
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(response_headers)

    started = time.perf_counter()
    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return time.perf_counter() - started, captured["status"], captured["headers"], body


def clear_caches():
    for alias in settings.CACHES:
        caches[alias].clear()


def resident_megabytes():
    """This process's resident memory (VmRSS), in MB."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.MULTILINE).group(1)) / 1024


def pans_memory_growth(app, data_path):
    """MB the process grows by over PANS requests, each for a grid box no earlier one asked for (Riga, zoom 16)."""
    zoom = 16
    step = 360 / 2**zoom
    before = resident_megabytes()
    for number in range(PANS):
        west, south = 24.0 + (number % 50) * step, 56.9 + (number // 50) * step
        box = BBox(west, south, west + 4 * step, south + 3 * step).snap(zoom)
        status = call(app, data_path, f"bbox={box}&zoom={zoom}")[1]
        assert status.startswith("200"), status
    return resident_megabytes() - before


def interleaved_medians(*requests, repeats=WARM_REPEATS):
    """Median seconds of each (app, path, query[, headers]) request, asked in turn `repeats` times."""
    times = [[] for _ in requests]
    for _ in range(repeats):
        for seconds, request in zip(times, requests, strict=True):
            seconds.append(call(*request)[0])
    return [statistics.median(seconds) for seconds in times]


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def drawn_map_seconds(base_url, page_path):
    """Seconds from navigation start to the first view's markers drawn, first visit and then the median of two warm
    visits: (first, warm) as marked by the map script and (first, warm) as polled."""
    from playwright.sync_api import sync_playwright

    marked, polled = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # A regular expression is matched inside the browser driver, so only tile requests come to this process;
        # a Python predicate would route every request of the page through it, the map data included, and each
        # would wait for this process's attention while its server thread was busy.
        outside = re.compile("^(?!" + re.escape(base_url) + "/)")
        page.route(outside, lambda route: route.fulfill(status=204, body=""))
        for _visit in range(3):
            page.goto(base_url + page_path)
            # The script announces the count once it has drawn a view's markers. Locator waits poll inside the
            # page without eval (the strict CSP forbids it), at growing intervals.
            page.locator("#initiative-map-status:not(:empty)").wait_for(state="attached", timeout=30_000)
            page.locator(".initiative-map .leaflet-marker-icon").first.wait_for(timeout=30_000)
            polled.append(page.evaluate("() => performance.now()") / 1000)
            mark = "() => performance.getEntriesByName('libri:initiative-map-drawn').map(entry => entry.startTime)"
            for _attempt in range(50):  # the mark is left in the frame after the markers are added
                starts = page.evaluate(mark)
                if starts:
                    break
                page.wait_for_timeout(20)
            marked.append(starts[0] / 1000)
        browser.close()
    return (marked[0], statistics.median(marked[1:])), (polled[0], statistics.median(polled[1:]))


def drill_module():
    """deploy/drill.py: how the fault drill renders the proxy configuration and starts processes."""
    spec = importlib.util.spec_from_file_location(
        "drill", Path(__file__).resolve().parent.parent / "deploy" / "drill.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wrk_rate(url, seconds):
    done = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    assert not errors, f"{url}: {errors[1]} answers were not 200"
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1])


def through_the_proxy(data_url, static_url, rounds=3, seconds=3):
    """Requests per second of the warm map data and of the static file with the same bytes through nginx (the
    repository's configuration) in front of gunicorn: [(data, static), ...] a pair per round."""
    drill = drill_module()
    folder = Path(tempfile.mkdtemp(prefix="libri-map-proxy-"))
    folder.chmod(0o755)  # nginx's workers run as nobody when started as root
    for sub in ("media", "acme", "cache"):
        (folder / sub).mkdir()
    node, https = drill.free_port(), drill.free_port()
    certificate, key = drill.self_signed_certificate(folder)
    site = folder / "libri.conf"
    site.write_text(
        drill.render_site(
            {
                "LIBRI_HTTP_LISTEN": f"127.0.0.1:{drill.free_port()}", "LIBRI_HTTPS_LISTEN": f"127.0.0.1:{https}",
                "LIBRI_PUBLIC_ORIGIN": f"https://localhost:{https}", "LIBRI_TLS_CERTIFICATE": certificate,
                "LIBRI_TLS_KEY": key, "LIBRI_WEB_NODES": f"server 127.0.0.1:{node};",
                "LIBRI_MEDIA_ROOT": folder / "media", "LIBRI_ACME_ROOT": folder / "acme",
                "LIBRI_CACHE_DIR": folder / "cache",
            }
        )
    )  # fmt: skip
    config = folder / "nginx.conf"
    config.write_text(drill.main_config(folder, site))
    environment = {**os.environ, "ALLOWED_HOSTS": "localhost", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", f"--bind=127.0.0.1:{node}", "--workers=2",
             "--log-level=warning"],
            env=environment, cwd=Path(__file__).resolve().parent.parent, start_new_session=True,
        ),
        subprocess.Popen([drill.NGINX, "-c", str(config), "-e", str(folder / "error.log")], start_new_session=True),
    ]  # fmt: skip
    try:
        drill.wait_until(lambda: drill.port_open(node) and drill.port_open(https), timeout=30, what="the proxy")
        base = f"https://localhost:{https}"
        for url in (data_url, static_url):
            wrk_rate(base + url, 1)  # fills the proxy's copy
        return [(wrk_rate(base + data_url, seconds), wrk_rate(base + static_url, seconds)) for _ in range(rounds)]
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--proxy", action=argparse.BooleanOptionalAction, default=bool(shutil.which("wrk") and drill_module().NGINX),
        help="also measure through nginx and gunicorn at the last size (default: when nginx and wrk are installed)",
    )  # fmt: skip
    options = parser.parse_args()
    if "sqlite" in settings.DATABASES["default"]["ENGINE"] and "/tmp/" not in str(
        settings.DATABASES["default"]["NAME"]
    ):
        sys.exit("map_scale: use a database of its own (the default is /tmp/libri_map_bench.sqlite3).")
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    # The map data bodies become static files here, inside the static root the portal's WhiteNoise serves.
    bench_static = Path(settings.STATIC_ROOT) / "map-bench"
    shutil.rmtree(bench_static, ignore_errors=True)
    bench_static.mkdir()
    app = get_wsgi_application()
    data_path = "/en/map/initiatives.geojson"
    bare_root = Path(tempfile.mkdtemp(prefix="libri-map-bench-"))
    server = make_server(HOST, 0, app, server_class=ThreadingServer, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://{HOST}:{server.server_address[1]}"
    if HOST not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(HOST)

    rows = []
    failures = []
    for size in SIZES:
        started = time.perf_counter()
        populate(size)
        print(f"\n{size:,} initiatives (loaded in {time.perf_counter() - started:.1f} s)", flush=True)
        print(
            f"  {'view':<17} {'features':>8} {'KB gz':>7} {'cold ms':>8} {'warm ms':>8} {'static ms':>9}"
            f" {'ratio':>6} {'bare WN ms':>10} {'full ms':>8}"
        )
        for number, (name, query) in enumerate(VIEWS.items()):
            clear_caches()
            cold, status, headers, body = call(app, data_path, query)
            assert status.startswith("200"), status
            assert headers.get("Content-Encoding") == "gzip", headers
            features = len(json.loads(gzip.decompress(body))["features"])
            assert call(app, data_path, query)[3] == body, "the warm answer must be the cold one"
            # The same compressed bytes as a static file: WhiteNoise serves file.json.gz to a gzip-accepting client.
            static_name = f"view-{size}-{number}.json"
            for root in (bench_static, bare_root):
                (root / static_name).write_bytes(gzip.decompress(body))
                (root / f"{static_name}.gz").write_bytes(body)
            # Built after the file is written: WhiteNoise's middleware indexes the static root when it starts.
            portal_static_app = get_wsgi_application()
            static_path = f"{settings.STATIC_URL}map-bench/{static_name}"
            bare_app = WhiteNoise(lambda environ, start_response: [], root=bare_root, prefix="static-bench/")
            bare_path = f"/static-bench/{static_name}"
            for reference, path in ((portal_static_app, static_path), (bare_app, bare_path)):
                _seconds, static_status, static_headers, static_body = call(reference, path)
                assert static_status.startswith("200"), (path, static_status)
                assert static_headers.get("Content-Encoding") == "gzip", static_headers
                assert static_body == body, "the static file must send the very same bytes"
            cookie = {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=none"}
            warm, static_time, bare_time = interleaved_medians(
                (app, data_path, query), (portal_static_app, static_path), (bare_app, bare_path)
            )
            (full_time,) = interleaved_medians((app, data_path, query, cookie), repeats=FULL_REPEATS)
            ratio = warm / static_time
            print(
                f"  {name:<17} {features:>8} {len(body) / 1024:>7.1f} {cold * 1000:>8.1f} {warm * 1000:>8.3f}"
                f" {static_time * 1000:>9.3f} {ratio:>6.2f} {bare_time * 1000:>10.3f} {full_time * 1000:>8.2f}",
                flush=True,
            )
            rows.append((size, name, len(body), cold, warm, static_time, ratio))
            if size == SIZES[-1]:
                if len(body) > TARGET_BYTES:
                    failures.append(f"{name}: {len(body) / 1024:.1f} KB > 150 KB")
                if ratio > TARGET_RATIO:
                    failures.append(f"{name}: warm {ratio:.1f}x the static file > {TARGET_RATIO}x")
        clear_caches()
        (first, warm_visit), (first_polled, warm_polled) = drawn_map_seconds(base_url, "/en/map/")
        print(
            f"  drawn map in Chromium: first visit {first:.2f} s, warm visit {warm_visit:.2f} s"
            f" (polled: {first_polled:.2f} s, {warm_polled:.2f} s)",
            flush=True,
        )
        if size == SIZES[-1] and max(first, warm_visit) > TARGET_DRAWN_SECONDS:
            failures.append(f"drawn map {max(first, warm_visit):.2f} s > {TARGET_DRAWN_SECONDS} s")
        if size == SIZES[-1]:
            clear_caches()
            growth = pans_memory_growth(app, data_path)
            print(f"  memory after {PANS:,} distinct pans: {growth:+.1f} MB", flush=True)
            if growth > TARGET_MEMORY_MB:
                failures.append(f"memory after {PANS} pans grew by {growth:.1f} MB > {TARGET_MEMORY_MB} MB")

    if options.proxy:
        query = VIEWS["Latvia, zoom 7"]
        rounds = through_the_proxy(f"{data_path}?{query}", f"{settings.STATIC_URL}map-bench/view-{SIZES[-1]}-0.json")
        ratio = statistics.median(static / data for data, static in rounds)
        print(
            f"  through nginx and gunicorn (2 workers), Latvia, zoom 7, requests/s map data / static file: "
            f"{', '.join(f'{data:.0f} / {static:.0f}' for data, static in rounds)}; warm {ratio:.2f}x the static file",
            flush=True,
        )
        if ratio > TARGET_RATIO:
            failures.append(f"through the proxy: warm {ratio:.2f}x the static file > {TARGET_RATIO}x")

    server.shutdown()
    print("\ntargets at 100,000:", "all met" if not failures else "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
