"""Fault drill: the production topology on this machine, broken on purpose, checked from outside.

    make drill          (or: .venv/bin/python deploy/drill.py [--keep])

Starts, from Debian packages and the virtualenv, what docker-compose.yml runs: nginx with the repository's
configuration (deploy/nginx/templates/libri.conf.template, rendered as the official image renders it; a
self-signed certificate made by openssl) on unprivileged ports, in front of two gunicorn web nodes; a database of
its own on the PostgreSQL server (DRILL_POSTGRES, by default postgres://postgres@127.0.0.1:5432, dropped at the
end); a redis-server of its own on a free port (broker and cache); a Celery worker and Celery beat. It migrates,
loads the demo data and then checks, with real requests through the proxy over HTTPS:

1. every public page (the pages the accessibility checks visit, tests/browser/public_pages.py) in every language
   answers 200 with the security headers; plain HTTP is sent to HTTPS (an ACME challenge is answered); the admin
   login works; uploaded files are served as inert downloads (an agreement document as an attachment under the
   sandbox policy, an HTML and an SVG file too, an image shown); hashed static files are kept a year; an oversized
   body is refused;
2. registrations from distinct client addresses do not limit each other, a burst from one address is limited,
   a forged X-Forwarded-For changes nothing, five wrong passwords lock out that address only;
3. Redis killed for 10 seconds under load on the event list, the map data and the home page: no answer >= 500,
   registrations sent meanwhile are saved and their e-mails sent exactly once after Redis is back;
4. one web node killed under load: the proxy fails over, no registration fails, the node started again rejoins;
5. the Celery worker killed (SIGKILL) while it builds a progress report: after the retry, exactly one complete file;
6. an event published in node 1's admin is shown by node 2, and to visitors through the proxy's copies, within
   PUBLIC_CACHE_SECONDS;
7. both web nodes stopped: the public pages visitors had (event list, map, map data) are answered by the proxy
   from its copies, unchanged.

Distinct clients are distinct source addresses (127.0.X.Y: all of 127.0.0.0/8 is this machine), so the proxy
sees them as it sees people. Shorter timings than production's defaults keep it within a few minutes:
PUBLIC_CACHE_SECONDS=5, TASK_DISPATCH_SECONDS=2, TASK_RETRY_AFTER_SECONDS=8 (documented settings). Prints a table of
the checks and figures, exits 1 if any failed, and stops everything it started, by process group, on failure and
on Ctrl-C too. Needs nginx, openssl, redis-server, wrk and a PostgreSQL server (Debian: nginx openssl redis-server
wrk postgresql).
"""

import argparse
import contextlib
import datetime
import grp
import hashlib
import http.client
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "libri.conf.template"
BIN = Path(sys.executable).parent
# Debian puts nginx in /usr/sbin, which is not on every user's PATH.
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
LANGUAGES = ("lv", "en", "uk", "ru")
PUBLIC_CACHE_SECONDS = 5
REGISTRATION_LIMIT = 10  # activities.forms.RegistrationForm: 10 per address within 10 minutes
TIME_TRAP_SECONDS = 3.2  # groundwork.antispam: a form sent sooner than 3 s after it was shown is refused
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
SANDBOX = "default-src 'none'; sandbox"
# Past events for the report the worker is killed in the middle of: a build of several seconds.
PAST_EVENTS = 3_000
LOAD_PATHS = ("/lv/events/", "/lv/map/initiatives.geojson", "/lv/")


# --- The proxy configuration -------------------------------------------------------------------------------------


def render_site(values, template=TEMPLATE):
    """The template with its ${LIBRI_...} values, as the official image's envsubst step renders it (only those
    names; nginx's own $variables stay). Every name must have a value."""
    text = template.read_text()
    missing = set(re.findall(r"\$\{(LIBRI_[A-Z_]+)\}", text)) - set(values)
    if missing:
        raise ValueError(f"no value for {', '.join(sorted(missing))}")
    return re.sub(r"\$\{(LIBRI_[A-Z_]+)\}", lambda match: str(values[match[1]]), text)


def main_config(folder, site):
    """A main nginx.conf for an unprivileged nginx in `folder`, around the rendered site file: what Debian's and
    the image's nginx.conf do (mime types, the http context), with every path of its own."""
    # Started as root, nginx's workers run as an unprivileged user, as in the official image: they must be able to read
    # the uploads the web nodes write.
    user = ""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        user = f"user {nobody.pw_name} {grp.getgrgid(nobody.pw_gid).gr_name};\n"
    return f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client-body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


def self_signed_certificate(folder):
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def copy_rows(model, pk, count, overrides):
    """`count` copies of one row of `model`, the columns in `overrides` given as SQL of the copy's number `n`."""
    from django.db import connection

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    unset = [field.column for field in fields if field.unique and field.column not in overrides]
    if unset:
        raise ValueError(f"copies of {model.__name__} need values of their own for {', '.join(unset)}")
    columns = [field.column for field in fields]
    values = [overrides.get(column, column) for column in columns]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608 (no input)
            f"FROM {table}, generate_series(1, %s) AS n WHERE id = %s",
            [count, pk],
        )


# --- Processes -------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout, interval=0.1, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    raise TimeoutError(f"{what} did not happen within {timeout} s")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Processes:
    """Everything the drill starts, each in a process group of its own, stopped by that group's id."""

    def __init__(self, logs):
        self.logs = logs
        self.running = {}

    def start(self, name, argv, *, env, log=None):
        out = open(self.logs / f"{log or name}.log", "ab")  # noqa: SIM115 (kept open for the child)
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running[name] = process
        return process

    def kill(self, name, sig=signal.SIGKILL):
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        # The group may outlive its leader for a moment (gunicorn's workers, Celery's pool).
        with_group_gone(process.pid)

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.kill(name, signal.SIGTERM)

    def alive(self, name):
        return name in self.running and self.running[name].poll() is None


def with_group_gone(pgid, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


# --- A client that is a person: its own source address, cookies, HTTPS checked against the drill's certificate ---


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)


class Browser:
    def __init__(self, origin, *, source=None, cafile=None, headers=None, host=None, site=None):
        parts = urllib.parse.urlsplit(origin)
        # The site's origin, for the Origin and Referer of form posts (a node reached directly is the site too).
        self.site = site or origin
        self.secure = parts.scheme == "https"
        self.address = (parts.hostname, parts.port)
        self.source = source
        self.context = ssl.create_default_context(cafile=cafile) if self.secure else None
        self.headers = headers or {}
        self.host = host or parts.netloc
        self.cookies = {}

    def request(self, method, path, *, data=None, body=None, headers=None):
        options = {"timeout": 30, "source_address": (self.source, 0) if self.source else None}
        if self.secure:
            connection = http.client.HTTPSConnection(*self.address, context=self.context, **options)
        else:
            connection = http.client.HTTPConnection(*self.address, **options)
        sent = {"Host": self.host, "User-Agent": "libri-drill", **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            sent.setdefault("Origin", self.site)
            sent.setdefault("Referer", self.site + path)
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        for value in answer.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(answer.status, answer.headers, content)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)


def form_value(page, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    return found[1] if found else ""


# --- The report --------------------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool = False
    figures: str = ""
    problems: list = field(default_factory=list)


class Drill:
    def __init__(self, work, *, keep=False):
        self.work = work
        self.keep = keep
        self.logs = work / "logs"
        self.logs.mkdir()
        # nginx's workers (another user) go through it to the uploads.
        work.chmod(0o755)
        self.processes = Processes(self.logs)
        self.checks = []
        self.ports = {
            "http": free_port(),
            "https": free_port(),
            "web-1": free_port(),
            "web-2": free_port(),
            "redis": free_port(),
        }
        self.origin = f"https://localhost:{self.ports['https']}"
        server = os.environ.get("DRILL_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        self.postgres = server
        self.database = f"libri_drill_{os.getpid()}"
        self.media = work / "media"
        self.mail = work / "mail"
        self.env = self.app_environment()
        self.nginx_log = work / "nginx" / "access.log"

    # --- set-up -----------------------------------------------------------------------------------------------

    def app_environment(self):
        kept = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ")}
        return {
            **kept,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "RELEASE": "drill",
            "ALLOWED_HOSTS": "localhost",
            "SITE_URL": self.origin,
            "CSRF_TRUSTED_ORIGINS": self.origin,
            "DATABASE_URL": f"{self.postgres}/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "MEDIA_ROOT": str(self.media),
            "STATIC_ROOT": str(self.work / "static"),
            # Hashed names as in production, without compressing every file (half a minute of CPU).
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
            "BEHIND_TLS_PROXY": "true",
            "TRUSTED_PROXY_HOPS": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "PUBLIC_CACHE_SECONDS": str(PUBLIC_CACHE_SECONDS),
            "TASK_DISPATCH_SECONDS": "2",
            "TASK_RETRY_AFTER_SECONDS": "8",
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args):
        subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def create_database(self):
        import psycopg

        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def drop_database(self):
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def start_redis(self):
        self.processes.start(
            "redis",
            ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            env=self.env,
        )  # fmt: skip
        wait_until(lambda: port_open(self.ports["redis"]), timeout=10, what="redis-server")

    def start_web(self, node):
        name = f"web-{node}"
        self.processes.start(
            name,
            [str(BIN / "gunicorn"), "portal.wsgi:application", f"--bind=127.0.0.1:{self.ports[name]}",
             "--workers=2", f"--access-logfile={self.logs / (name + '-access.log')}"],
            env=self.env,
        )  # fmt: skip
        wait_until(lambda: port_open(self.ports[name]), timeout=30, what=f"gunicorn {name}")

    def start_worker(self):
        self.processes.start(
            "worker",
            [str(BIN / "celery"), "--app=portal", "worker", "--loglevel=INFO", "--concurrency=1",
             f"--hostname=drill-{os.getpid()}@%h"],
            env=self.env,
        )  # fmt: skip

    def worker_ready(self):
        return "ready." in (self.logs / "worker.log").read_text(errors="replace").split("drill: worker start")[-1]

    def start_nginx(self):
        folder = self.work / "nginx"
        # nginx makes its temporary and cache folders itself (in folders that exist), owned by its workers' user.
        for sub in ("acme", "cache"):
            (folder / sub).mkdir(parents=True)
        certificate, key = self_signed_certificate(folder)
        self.certificate = certificate
        site = folder / "libri.conf"
        site.write_text(
            render_site(
                {
                    "LIBRI_HTTP_LISTEN": f"127.0.0.1:{self.ports['http']}",
                    "LIBRI_HTTPS_LISTEN": f"127.0.0.1:{self.ports['https']}",
                    "LIBRI_PUBLIC_ORIGIN": self.origin,
                    "LIBRI_TLS_CERTIFICATE": certificate,
                    "LIBRI_TLS_KEY": key,
                    "LIBRI_WEB_NODES": " ".join(
                        f"server 127.0.0.1:{self.ports[name]} max_fails=1 fail_timeout=5s;"
                        for name in ("web-1", "web-2")
                    ),
                    "LIBRI_MEDIA_ROOT": self.media,
                    "LIBRI_ACME_ROOT": folder / "acme",
                    "LIBRI_CACHE_DIR": folder / "cache",
                }
            )
        )
        config = folder / "nginx.conf"
        config.write_text(main_config(folder, site))
        subprocess.run([NGINX, "-t", "-q", "-c", str(config), "-e", str(folder / "error.log")], check=True)
        self.processes.start("nginx", [NGINX, "-c", str(config), "-e", str(folder / "error.log")], env=self.env)
        wait_until(lambda: port_open(self.ports["https"]), timeout=10, what="nginx")

    def setup_django(self):
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def set_up(self):
        step("database, migrations, static files, demo data")
        self.media.mkdir()
        self.mail.mkdir()
        self.create_database()
        self.start_redis()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity=0")
        self.manage("load_demo")
        self.setup_django()
        self.drill_data()
        step("two web nodes, Celery worker and beat, nginx")
        self.start_web(1)
        self.start_web(2)
        self.log_mark("worker", "drill: worker start")
        self.start_worker()
        self.processes.start(
            "beat",
            [str(BIN / "celery"), "--app=portal", "beat", "--loglevel=INFO",
             f"--schedule={self.work / 'celerybeat-schedule'}"],
            env=self.env,
        )  # fmt: skip
        self.start_nginx()
        wait_until(self.worker_ready, timeout=60, what="the Celery worker's start")

    def log_mark(self, name, text):
        with open(self.logs / f"{name}.log", "a") as log:
            log.write(f"\n{text}\n")

    def drill_data(self):
        """An event that takes many registrations, a draft to publish, an administrator, and a year of past events
        with registrations and attendance for a report that takes a few seconds to build."""
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from activities.models import Attendance, Event, Registration
        from partners.models import Organisation

        library = Organisation.objects.filter(kind=Organisation.Kind.PARTNER_LIBRARY).order_by("pk").first()
        now = timezone.now()
        common = {"organiser": library, "languages": ["lv", "uk"], "audience": ["tcn"], "kind": Event.Kind.SEMINAR}
        self.event = Event.objects.create(
            title="Drill seminar", title_en="Drill seminar", slug="drill-seminar", status=Event.Status.PUBLISHED,
            starts_at=now + datetime.timedelta(days=20), ends_at=now + datetime.timedelta(days=20, hours=2),
            registration_required=True, capacity=1000, **common,
        )  # fmt: skip
        self.draft = Event.objects.create(
            title="Drill language café published on node 1", title_en="Drill language café published on node 1",
            slug="drill-published-on-node-1", status=Event.Status.DRAFT,
            starts_at=now + datetime.timedelta(days=3), ends_at=now + datetime.timedelta(days=3, hours=2), **common,
        )  # fmt: skip
        self.password = secrets.token_urlsafe(16)
        get_user_model().objects.create_superuser("drill", "drill@example.org", self.password)
        first = Event.objects.create(
            title="Seminārs", title_en="Seminar", slug="drill-past-0", status=Event.Status.PUBLISHED,
            starts_at=datetime.datetime(2025, 1, 2, 10, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2025, 1, 2, 12, tzinfo=datetime.UTC), **common,
        )  # fmt: skip
        Attendance.objects.create(event=first, activity_type=Attendance.ActivityType.choices[0][0], total=20,
                                  third_country_nationals=12, women=11, men=9)  # fmt: skip
        Registration.objects.create(event=first, name="Dalībnieks", email="p@example.org", language="uk",
                                    consent_at=first.starts_at)  # fmt: skip
        # Copies of that event, its attendance and its registration, made by PostgreSQL in one statement each: a
        # year of events whose report takes seconds to build, in a fraction of a second.
        copy_rows(Event, first.pk, PAST_EVENTS, {
            "slug": "'drill-past-' || n",
            "starts_at": "starts_at + n * interval '50 minutes'",
            "ends_at": "ends_at + n * interval '50 minutes'",
        })  # fmt: skip
        past = "(SELECT id FROM activities_event WHERE slug = 'drill-past-' || n)"
        copy_rows(Attendance, first.attendance.pk, PAST_EVENTS, {"event_id": past})
        registration = Registration.objects.get(event=first)
        for number in range(4):
            copy_rows(Registration, registration.pk, PAST_EVENTS, {
                "event_id": past,
                "email": f"'p{number}-' || n || '@example.org'",
                "token": f"md5(random()::text) || '{number}' || n",
                # Six characters, unique: 0 and 1 are not in the alphabet of the references the portal makes.
                "reference": f"'0{number}' || lpad(n::text, 4, '0')",
            })  # fmt: skip

    # --- helpers --------------------------------------------------------------------------------------------

    def browser(self, source=None, **kwargs):
        return Browser(self.origin, source=source, cafile=self.certificate, **kwargs)

    def node(self, number):
        """A client of one web node directly, sending what the proxy sends."""
        return Browser(
            f"http://127.0.0.1:{self.ports[f'web-{number}']}",
            host=f"localhost:{self.ports['https']}",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"},
            site=self.origin,
        )

    def register_url(self, event=None):
        from django.urls import reverse
        from django.utils import translation

        with translation.override("lv"):
            return reverse("activities:event_register", kwargs={"slug": (event or self.event).slug})

    def open_forms(self, people):
        """Each (browser, e-mail) opens the registration form; returns what each will send."""
        url = self.register_url()
        forms = []
        for browser, email in people:
            page = browser.get(url)
            forms.append(
                (
                    browser,
                    {
                        "csrfmiddlewaretoken": form_value(page, "csrfmiddlewaretoken"),
                        "form_started": form_value(page, "form_started"),
                        "name": "Olena",
                        "email": email,
                        "phone": "",
                        "language": "uk",
                        "consent": "on",
                        "homepage": "",
                    },
                )
            )
        return forms

    def send_forms(self, forms, headers=None):
        time.sleep(TIME_TRAP_SECONDS)
        url = self.register_url()
        return [browser.post(url, data, headers=headers(index) if headers else None) for index, (browser, data)
                in enumerate(forms)]  # fmt: skip

    def log_in(self, browser, password):
        page = browser.get("/admin/login/")
        return browser.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": form_value(page, "csrfmiddlewaretoken"), "username": "drill",
             "password": password, "next": "/admin/"},
        )  # fmt: skip

    def nginx_statuses(self, since):
        """Status codes of the proxy's answers logged after byte `since` of its access log."""
        with open(self.nginx_log, "rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        return [int(match[1]) for line in lines if (match := re.search(r'" (\d{3}) ', line))]

    def log_size(self):
        return self.nginx_log.stat().st_size if self.nginx_log.exists() else 0

    def wrk(self, seconds):
        """wrk over the three load paths in turn (a Lua script), 2 threads, 8 connections; (thread, output).

        Every other request carries a session cookie, as staff's do: the proxy answers the others from its copies,
        and these still reach the web nodes, so the nodes work under the load the checks break things in."""
        script = self.work / "paths.lua"
        paths = ", ".join(f'"{path}"' for path in LOAD_PATHS)
        script.write_text(
            f"local paths = {{{paths}}}\nlocal n = 0\nlocal staff = {{Cookie = 'sessionid=drill-load'}}\n"
            "request = function()\n  n = n + 1\n"
            "  return wrk.format('GET', paths[n % #paths + 1], n % 2 == 0 and staff or nil)\nend\n"
        )
        result = {}

        def run():
            done = subprocess.run(
                ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), self.origin + "/"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            result["output"] = done.stdout + done.stderr

        thread = threading.Thread(target=run)
        thread.start()
        return thread, result

    def mails_to(self, addresses):
        """How many e-mails each address was sent (the file backend writes each message with its headers)."""
        counts = dict.fromkeys(addresses, 0)
        for path in self.mail.iterdir():
            for match in re.finditer(r"^To: (.+)$", path.read_text(errors="replace"), flags=re.MULTILINE):
                if match[1].strip() in counts:
                    counts[match[1].strip()] += 1
        return counts

    # --- the checks -----------------------------------------------------------------------------------------

    def check(self, name):
        entry = Check(name)
        self.checks.append(entry)
        return entry

    def check_pages_headers_and_uploads(self):
        entry = self.check("1 pages, login, uploads through the proxy")
        from django.test import override_settings

        from tests.browser.public_pages import public_pages

        # The list is made in this process, through Django's test client, as the accessibility checks make it; the
        # pages it tries that are not there (404) are not worth a log line each.
        logging.disable(logging.WARNING)
        try:
            with override_settings(SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["testserver"]):
                pages, problems = public_pages()
        finally:
            logging.disable(logging.NOTSET)
        entry.problems += problems
        visitor = self.browser()
        answered = 0
        for language in LANGUAGES:
            for label, path in pages.items():
                response = visitor.get(f"/{language}/{path}")
                answered += 1
                if response.status != 200:
                    entry.problems.append(f"/{language}/{path} ({label}): {response.status}")
                    continue
                missing = [name for name in SECURITY_HEADERS if not response.header(name)]
                if missing:
                    entry.problems.append(f"/{language}/{path}: no {', '.join(missing)}")
                elif "max-age=31536000" not in response.header("Strict-Transport-Security"):
                    entry.problems.append(f"/{language}/{path}: HSTS {response.header('Strict-Transport-Security')}")
        plain_http = Browser(f"http://localhost:{self.ports['http']}")
        plain = plain_http.get("/lv/events/?q=x")
        if plain.status != 301 or plain.header("Location") != f"{self.origin}/lv/events/?q=x":
            entry.problems.append(f"plain HTTP answered {plain.status} {plain.header('Location')}")
        # A certificate renewal's challenge is answered on plain HTTP, from the ACME client's webroot.
        challenge = self.work / "nginx" / "acme" / ".well-known" / "acme-challenge"
        challenge.mkdir(parents=True)
        (challenge / "drill-token").write_text("drill-token.key")
        answer = plain_http.get("/.well-known/acme-challenge/drill-token")
        if answer.status != 200 or answer.text != "drill-token.key":
            entry.problems.append(f"the ACME challenge answered {answer.status}")
        staff = self.browser()
        login = self.log_in(staff, self.password)
        index = staff.get("/admin/")
        if login.status != 302 or index.status != 200 or "logout" not in index.text:
            entry.problems.append(f"admin login: {login.status}, then /admin/ {index.status}")
        uploads = self.check_uploads(visitor)
        home = visitor.get("/lv/")
        hashed = re.search(r'/static/[^"]+\.[0-9a-f]{12}\.css', home.text)
        static = visitor.get(hashed[0]) if hashed else None
        if not static or static.status != 200 or "immutable" not in (static.header("Cache-Control") or ""):
            entry.problems.append(f"hashed static file: {static and static.header('Cache-Control')}")
        big = visitor.post(self.register_url(), {"x": "y" * (4 * 1024 * 1024)})
        if big.status != 413:
            entry.problems.append(f"a 4 MB form post answered {big.status}, not 413")
        entry.ok = not entry.problems
        entry.figures = f"{len(pages)} pages x {len(LANGUAGES)} languages = {answered} answers; {uploads} uploads"

    def check_uploads(self, visitor):
        from django.core.files.base import ContentFile
        from django.urls import reverse
        from django.utils import translation

        from partners.models import Agreement

        entry = self.checks[-1]
        agreement = Agreement.objects.order_by("pk").first()
        agreement.document.save(
            "memorandum.pdf", ContentFile(b"%PDF-1.4\n%drill\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        )
        with translation.override("lv"):
            page = visitor.get(reverse("partners:agreement_detail", kwargs={"slug": agreement.slug}))
        if agreement.document.url not in page.text:
            entry.problems.append("the agreement page does not link its document")
        # Files a browser would run, stored before uploads were checked by content: served, they stay inert.
        (self.media / "agreements").mkdir(exist_ok=True)
        (self.media / "agreements" / "old.html").write_text("<script>alert(1)</script>")
        (self.media / "agreements" / "old.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        )
        (self.media / "events").mkdir(exist_ok=True)
        png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
               b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND"
               b"\xaeB`\x82")  # fmt: skip
        (self.media / "events" / "photo.png").write_bytes(png)
        expected = {
            agreement.document.url: ("application/pdf", "attachment"),
            "/media/agreements/old.html": ("text/html", "attachment"),
            "/media/agreements/old.svg": ("image/svg+xml", "attachment"),
            "/media/events/photo.png": ("image/png", None),
        }
        for url, (content_type, disposition) in expected.items():
            response = visitor.get(url)
            seen = (
                response.status,
                (response.header("Content-Type") or "").split(";")[0],
                response.header("Content-Disposition"),
                response.header("Content-Security-Policy"),
                response.header("X-Content-Type-Options"),
            )
            if seen != (200, content_type, disposition, SANDBOX, "nosniff"):
                entry.problems.append(f"{url}: {seen}")
        report_file = visitor.get("/media/reports/1-x/libri-report.xlsx")
        if report_file.status != 404:
            entry.problems.append(f"/media/reports/ answered {report_file.status}")
        return len(expected)

    def check_client_addresses(self):
        entry = self.check("2 limits per client address")
        if time.time() % 600 > 580:
            # The rate limit counts in windows of 10 minutes: do not let one close in the middle of a burst.
            time.sleep(600 - time.time() % 600 + 1)
        distinct = self.send_forms(
            self.open_forms([(self.browser(f"127.0.1.{n}"), f"distinct{n}@example.org") for n in range(1, 13)])
        )
        burst_client = self.browser("127.0.2.1")
        burst = self.send_forms(
            self.open_forms([(burst_client, f"burst{n}@example.org") for n in range(REGISTRATION_LIMIT + 1)])
        )
        forger = self.browser("127.0.2.2")
        forged = self.send_forms(
            self.open_forms([(forger, f"forged{n}@example.org") for n in range(REGISTRATION_LIMIT + 1)]),
            headers=lambda n: {"X-Forwarded-For": f"198.51.100.{n}"},
        )
        expected_burst = [302] * REGISTRATION_LIMIT + [429]
        for label, responses, expected in (
            ("12 addresses", distinct, [302] * 12),
            ("burst", burst, expected_burst),
            ("forged X-Forwarded-For", forged, expected_burst),
        ):
            statuses = [response.status for response in responses]
            if statuses != expected:
                entry.problems.append(f"{label}: {statuses}")
        attacker = self.browser("127.0.3.1")
        wrong = [self.log_in(attacker, "wrong password").status for _ in range(5)]
        attacker_right = self.log_in(attacker, self.password).status
        owner = self.log_in(self.browser("127.0.3.2"), self.password).status
        if attacker_right != 429 or owner != 302:
            entry.problems.append(f"lockout: wrong {wrong}, then right from that address {attacker_right}, "
                                  f"from another {owner}")  # fmt: skip
        entry.ok = not entry.problems
        entry.figures = (
            f"12 addresses: {sum(r.status == 302 for r in distinct)} saved; one address: "
            f"{sum(r.status == 429 for r in burst)} of {len(burst)} refused; forged: "
            f"{sum(r.status == 429 for r in forged)} refused; lockout {attacker_right}/{owner}"
        )

    def check_redis_outage(self):
        entry = self.check("3 Redis killed 10 s under load")
        from activities.models import Registration

        since = self.log_size()
        thread, result = self.wrk(15)
        time.sleep(2)
        self.processes.kill("redis")
        killed_at = time.monotonic()
        emails = [f"outage{n}@example.org" for n in range(5)]
        forms = self.open_forms([(self.browser(f"127.0.4.{n + 1}"), email) for n, email in enumerate(emails)])
        sent = self.send_forms(forms)
        time.sleep(max(0.0, 10 - (time.monotonic() - killed_at)))
        self.start_redis()
        thread.join()
        statuses = self.nginx_statuses(since)
        errors = sum(status >= 500 for status in statuses)
        saved = Registration.objects.filter(email__in=emails).count()
        try:
            wait_until(lambda: all(self.mails_to(emails).values()), timeout=60, interval=0.5, what="the e-mails")
        except TimeoutError as error:
            entry.problems.append(str(error))
        time.sleep(5)  # two more rounds of the dispatcher: a second copy would show now
        counts = self.mails_to(emails)
        if errors:
            entry.problems.append(f"{errors} answers >= 500")
        if [response.status for response in sent] != [302] * len(emails) or saved != len(emails):
            entry.problems.append(f"registrations {[r.status for r in sent]}, {saved} saved")
        if set(counts.values()) != {1}:
            entry.problems.append(f"e-mails per registrant: {counts}")
        entry.ok = not entry.problems
        entry.figures = (
            f"{len(statuses)} requests, {errors} >= 500; {saved}/{len(emails)} registrations saved; "
            f"e-mails {sum(counts.values())} (once each: {set(counts.values()) == {1}}); {wrk_summary(result)}"
        )

    def check_node_failover(self):
        entry = self.check("4 web node 2 killed under load")
        from activities.models import Registration

        since = self.log_size()
        emails = [f"failover{n}@example.org" for n in range(16)]
        forms = self.open_forms([(self.browser(f"127.0.5.{n + 1}"), email) for n, email in enumerate(emails)])
        time.sleep(TIME_TRAP_SECONDS)
        thread, result = self.wrk(10)
        url = self.register_url()
        statuses = []

        def registrations():
            for browser, data in forms:
                statuses.append(browser.post(url, data).status)
                time.sleep(0.4)

        sender = threading.Thread(target=registrations)
        sender.start()
        time.sleep(2)
        self.processes.kill("web-2")
        time.sleep(3)
        self.start_web(2)
        sender.join()
        thread.join()
        node_log = self.logs / "web-2-access.log"
        before = len(node_log.read_text().splitlines())
        time.sleep(5)  # the proxy tries a failed node again after fail_timeout (5 s)
        visitor = self.browser()
        for _ in range(20):
            visitor.get("/healthz")
        rejoined = len(node_log.read_text().splitlines()) - before
        answers = self.nginx_statuses(since)
        errors = sum(status >= 500 for status in answers)
        saved = Registration.objects.filter(email__in=emails).count()
        if errors:
            entry.problems.append(f"{errors} answers >= 500")
        if statuses != [302] * len(emails) or saved != len(emails):
            entry.problems.append(f"registrations {statuses}, {saved} saved")
        if not rejoined:
            entry.problems.append("node 2 got no request after it was started again")
        entry.ok = not entry.problems
        entry.figures = (
            f"{len(answers)} requests, {errors} >= 500; {saved}/{len(emails)} registrations saved; node 2 took "
            f"{rejoined} of 20 requests after its restart; {wrk_summary(result)}"
        )

    def check_worker_killed_during_report(self):
        entry = self.check("5 Celery worker killed during a report")
        from django.contrib.auth import get_user_model
        from django.core.files.storage import default_storage

        from portal.models import Report
        from portal.services import report_folder, report_request

        report = report_request(
            requested_by=get_user_model().objects.get(username="drill"), period_from=datetime.date(2025, 1, 1),
            period_to=datetime.date(2025, 12, 31), countries=[], libraries=[], format=Report.Format.XLSX,
            language="lv",
        )  # fmt: skip
        # Killed a moment after the build started: in the middle of writing the file.
        building = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING)
        try:
            wait_until(building.exists, timeout=60, interval=0.02, what="the report build's start")
            time.sleep(0.5)
        except TimeoutError as error:
            entry.problems.append(str(error))
        report.refresh_from_db()
        killed_at = f"{report.progress} % ({report.step or 'counting'})"
        if report.status == Report.Status.DONE:
            entry.problems.append("the report was built before the worker could be killed")
        self.processes.kill("worker")
        self.log_mark("worker", "drill: worker start")
        self.start_worker()
        try:
            wait_until(
                lambda: Report.objects.filter(pk=report.pk, status=Report.Status.DONE).exists(),
                timeout=90, interval=0.5, what="the report after the retry",
            )  # fmt: skip
        except TimeoutError as error:
            entry.problems.append(str(error))
        report.refresh_from_db()
        folder = Path(default_storage.path(report_folder(report)))
        files = sorted(path.name for path in folder.iterdir()) if folder.exists() else []
        complete = False
        if len(files) == 1:
            path = folder / files[0]
            complete = hashlib.sha256(path.read_bytes()).hexdigest() == report.file_sha256
            with zipfile.ZipFile(path) as workbook:
                complete = complete and workbook.testzip() is None
        if files != [report.download_name] or not complete:
            entry.problems.append(f"files in the report's folder: {files}, complete: {complete}")
        if report.attempts < 2:
            entry.problems.append(f"{report.attempts} build attempts: the kill did not interrupt it")
        entry.ok = not entry.problems
        built = (report.finished_at - report.started_at).total_seconds() if report.finished_at else 0
        entry.figures = (
            f"killed at {killed_at}; {report.attempts} attempts, the last built in {built:.1f} s; "
            f"{len(files)} file "
            f"({report.file_size or 0} bytes, checksum {'matches' if complete else 'wrong'})"
        )

    def check_publication_across_nodes(self):
        entry = self.check("6 published on node 1, seen on node 2 and through the proxy")
        from django.urls import reverse
        from django.utils import translation

        with translation.override("lv"):
            list_url = reverse("activities:event_list")
            detail_url = self.draft.get_absolute_url()
        node_1, node_2, visitor = self.node(1), self.node(2), self.browser()
        before = node_2.get(list_url)  # the list as node 2 (and the page cache) holds it
        kept = visitor.get(list_url)  # and as the proxy keeps it for visitors
        if self.draft.title in before.text or self.draft.title in kept.text:
            entry.problems.append("the draft was listed before it was published")
        self.log_in(node_1, self.password)
        changelist = node_1.get("/admin/activities/event/")
        published = node_1.post(
            "/admin/activities/event/",
            {"csrfmiddlewaretoken": form_value(changelist, "csrfmiddlewaretoken"), "action": "publish_events",
             "_selected_action": str(self.draft.pk), "index": "0"},
        )  # fmt: skip
        published_at = time.monotonic()
        seen = {}
        deadline = published_at + PUBLIC_CACHE_SECONDS + 5
        places = (("list", node_2, list_url), ("page", node_2, detail_url), ("proxy's list", visitor, list_url))
        while time.monotonic() < deadline and len(seen) < len(places):
            for name, client, url in places:
                if name not in seen:
                    answer = client.get(url)
                    if answer.status == 200 and self.draft.title in answer.text:
                        seen[name] = time.monotonic() - published_at
            time.sleep(0.25)
        if published.status != 302:
            entry.problems.append(f"the admin action answered {published.status}")
        for name, client, _ in places:
            # A second for the polling; nginx counts a copy's lifetime in whole seconds, which may add one more.
            allowed = PUBLIC_CACHE_SECONDS + (2 if client is visitor else 1)
            if seen.get(name, 1e9) > allowed:
                entry.problems.append(f"the {name} did not show it within {PUBLIC_CACHE_SECONDS} s")
        entry.ok = not entry.problems
        entry.figures = ", ".join(f"{name} after {seconds:.1f} s" for name, seconds in seen.items()) + (
            f" (freshness {PUBLIC_CACHE_SECONDS} s)"
        )

    def check_proxy_copies_while_the_nodes_are_down(self):
        entry = self.check("7 both web nodes stopped: the proxy answers with its public copies")
        from django.urls import reverse
        from django.utils import translation

        paths = []
        for language in LANGUAGES:
            with translation.override(language):
                paths += [reverse("activities:event_list"), reverse("mapping:geojson"), reverse("mapping:map")]
        visitor = self.browser()
        kept = {path: visitor.get(path) for path in paths}
        repeated = [visitor.get(path).header("X-Cache-Status") for path in paths]
        for name in ("web-1", "web-2"):
            self.processes.kill(name)
        time.sleep(PUBLIC_CACHE_SECONDS + 1)  # every copy has expired: each answer below first tries the nodes
        during = {path: visitor.get(path) for path in paths}
        self.start_web(1)
        self.start_web(2)
        stale = sum(answer.status == 200 and answer.header("X-Cache-Status") == "STALE" for answer in during.values())
        same = sum(during[path].body == kept[path].body for path in paths)
        if repeated.count("HIT") != len(paths):
            entry.problems.append(f"repeated requests answered by the proxy: {repeated}")
        if stale != len(paths) or same != len(paths):
            entry.problems.append(
                f"while the nodes were down: {[(a.status, a.header('X-Cache-Status')) for a in during.values()]}"
            )
        # The proxy tries the nodes again after fail_timeout (5 s): the checks after this one find them back.
        time.sleep(6)
        try:
            wait_until(lambda: self.browser().get("/healthz").status == 200, timeout=30, what="the nodes' return")
        except TimeoutError as error:
            entry.problems.append(str(error))
        entry.ok = not entry.problems
        entry.figures = (
            f"{repeated.count('HIT')}/{len(paths)} repeats from the proxy; nodes down: {stale}/{len(paths)} answered "
            f"200 from its copies, {same} identical to what visitors had"
        )

    def still_running(self):
        entry = self.check("  every process still running, proxy logged no 5xx")
        dead = [name for name in self.processes.running if not self.processes.alive(name)]
        errors = sum(status >= 500 for status in self.nginx_statuses(0))
        if dead:
            entry.problems.append(f"exited: {', '.join(dead)}")
        if errors:
            entry.problems.append(f"{errors} answers >= 500 in the proxy's log")
        entry.ok = not entry.problems
        entry.figures = f"{len(self.nginx_statuses(0))} answers logged by the proxy"

    def run(self):
        self.set_up()
        for check in (
            self.check_pages_headers_and_uploads,
            self.check_client_addresses,
            self.check_redis_outage,
            self.check_node_failover,
            self.check_worker_killed_during_report,
            self.check_publication_across_nodes,
            self.check_proxy_copies_while_the_nodes_are_down,
            self.still_running,
        ):
            step(check.__name__.removeprefix("check_").replace("_", " "))
            try:
                check()
            except Exception as error:  # a check that breaks is a failed check; the others still run
                entry = self.checks[-1] if self.checks and not self.checks[-1].ok else self.check(check.__name__)
                entry.ok = False
                entry.problems.append(f"{type(error).__name__}: {error}")

    def tear_down(self):
        self.processes.stop_all()
        try:
            self.drop_database()
        except Exception as error:
            print(f"drill: could not drop {self.database}: {error}", file=sys.stderr)


def wrk_summary(result):
    output = result.get("output", "")
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Socket errors: (.+)", output)
    summary = f"wrk {requests[1] if requests else '?'} requests, {rate[1] if rate else '?'}/s"
    return summary + (f", socket errors {errors[1]}" if errors else "")


def step(text):
    print(f"drill: {text}", flush=True)


def print_table(checks):
    width = max(len(check.name) for check in checks)
    print()
    for check in checks:
        print(f"{'PASS' if check.ok else 'FAIL'}  {check.name:<{width}}  {check.figures}")
        for problem in check.problems[:12]:
            print(f"      - {problem}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the working folder (logs) afterwards")
    options = parser.parse_args()
    missing = [name for name in ("openssl", "redis-server", "wrk") if not shutil.which(name)] + (
        [] if NGINX else ["nginx"]
    )
    if missing:
        sys.exit(f"drill: {', '.join(missing)} not found (Debian: apt-get install nginx openssl redis-server wrk)")
    work = Path(tempfile.mkdtemp(prefix="libri-drill-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    drill = Drill(work, keep=options.keep)
    started = time.monotonic()
    try:
        drill.run()
    except KeyboardInterrupt:
        print("drill: interrupted", file=sys.stderr)
        drill.checks.append(Check("interrupted"))
    except Exception as error:
        drill.checks.append(Check(f"set-up: {type(error).__name__}: {error}"))
    finally:
        drill.tear_down()
    print_table(drill.checks)
    failed = [check for check in drill.checks if not check.ok]
    summary = f"{len(drill.checks) - len(failed)} of {len(drill.checks)} passed in {time.monotonic() - started:.0f} s"
    if options.keep or failed:
        summary += f"; logs in {work}"
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{summary}")
    sys.exit(1 if failed or not drill.checks else 0)


if __name__ == "__main__":
    main()
