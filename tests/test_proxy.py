"""The proxy of deploy/nginx/ in front of the portal (Debian's nginx, the template as the fault drill renders it,
a live server as the web node): it keeps what the portal marks public for no longer than the portal allows, never
for a request with a session or a message waiting, and answers with its last copy while the nodes fail."""

import gzip
import importlib.util
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import EventFactory

PROJECT_DIR = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="needs nginx and openssl"),
]


def drill():
    spec = importlib.util.spec_from_file_location("drill", PROJECT_DIR / "deploy" / "drill.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Proxy:
    def __init__(self, folder, node):
        self.drill = drill()
        self.folder = folder
        self.port = self.drill.free_port()
        for sub in ("media", "acme", "cache"):
            (folder / sub).mkdir()
        self.certificate, key = self.drill.self_signed_certificate(folder)
        self.values = {
            "LIBRI_HTTP_LISTEN": f"127.0.0.1:{self.drill.free_port()}",
            "LIBRI_HTTPS_LISTEN": f"127.0.0.1:{self.port}",
            "LIBRI_PUBLIC_ORIGIN": f"https://localhost:{self.port}",
            "LIBRI_TLS_CERTIFICATE": self.certificate,
            "LIBRI_TLS_KEY": key,
            "LIBRI_MEDIA_ROOT": folder / "media",
            "LIBRI_ACME_ROOT": folder / "acme",
            "LIBRI_CACHE_DIR": folder / "cache",
        }
        self.site = folder / "libri.conf"
        self.config = folder / "nginx.conf"
        self.route_to(node)
        self.config.write_text(self.drill.main_config(folder, self.site))
        self.process = subprocess.Popen(
            ["nginx", "-c", str(self.config), "-e", str(folder / "error.log")], start_new_session=True
        )
        self.drill.wait_until(lambda: self.drill.port_open(self.port), timeout=10, what="nginx")

    def route_to(self, node):
        self.site.write_text(self.drill.render_site({**self.values, "LIBRI_WEB_NODES": f"server {node};"}))

    def reroute(self, node):
        """Sends what is not answered from the cache to `node` from now on; the stored copies stay."""
        self.route_to(node)
        subprocess.run(["nginx", "-c", str(self.config), "-e", str(self.folder / "error.log"), "-s", "reload"],
                       check=True)  # fmt: skip
        time.sleep(0.5)  # the new workers take over

    def get(self, path, cookies=None):
        visitor = self.drill.Browser(f"https://localhost:{self.port}", cafile=str(self.certificate))
        visitor.cookies.update(cookies or {})
        return visitor.get(path, headers={"Accept-Encoding": "gzip"})

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def proxy(live_server, settings):
    settings.PUBLIC_CACHE_SECONDS = 60
    # Started as root, nginx's workers run as nobody: the folder must be theirs to read and to cache in.
    folder = Path(tempfile.mkdtemp(prefix="libri-proxy-"))
    folder.chmod(0o755)
    running = Proxy(folder, live_server.url.removeprefix("http://"))
    yield running
    running.stop()
    shutil.rmtree(folder, ignore_errors=True)


def url(name, language="uk"):
    with translation.override(language):
        return reverse(name)


def json_body(answer):
    body = answer.body
    return json.loads(gzip.decompress(body) if answer.header("Content-Encoding") == "gzip" else body)


@pytest.fixture
def seminar():
    return EventFactory(title_uk="Семінар про дозвіл на проживання", languages=["uk"])


def test_a_public_page_is_answered_by_the_proxy_for_the_next_visitors(proxy, seminar):
    first = proxy.get(url("activities:event_list"))
    second = proxy.get(url("activities:event_list"))

    assert first.status == 200 and first.header("X-Cache-Status") == "MISS"
    assert second.status == 200 and second.header("X-Cache-Status") == "HIT"
    assert second.body == first.body
    assert first.header("Cache-Control") == "public, max-age=60"


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_request_with_a_session_or_a_message_waiting_neither_reads_nor_fills_the_shared_copy(proxy, seminar, cookie):
    kept = proxy.get(url("activities:event_list"))
    personal = proxy.get(url("activities:event_list"), cookies={cookie: "abc"})
    visitor = proxy.get(url("mapping:map"))
    after_personal = proxy.get(url("mapping:map"), cookies={cookie: "abc"})
    next_visitor = proxy.get(url("mapping:map"))

    assert kept.header("X-Cache-Status") == "MISS"
    assert personal.header("X-Cache-Status") == "BYPASS"
    assert personal.header("Cache-Control") == "private, no-cache"
    assert visitor.header("X-Cache-Status") == "MISS"
    assert after_personal.header("X-Cache-Status") == "BYPASS"
    assert next_visitor.header("X-Cache-Status") == "HIT"


def test_pages_the_portal_does_not_mark_public_are_never_kept(proxy, seminar):
    with translation.override("uk"):
        event_page = seminar.get_absolute_url()
    answers = [proxy.get(path) for path in ("/uk/", "/uk/", event_page, event_page, "/admin/login/", "/admin/login/")]

    assert [answer.status for answer in answers] == [200] * 6
    assert [answer.header("X-Cache-Status") for answer in answers[:4]] == ["MISS"] * 4
    # The admin is never routed through the shared cache.
    assert [answer.header("X-Cache-Status") for answer in answers[4:]] == [None, None]


def test_a_copy_from_the_portals_page_cache_is_kept_by_the_proxy_only_for_the_time_it_has_left(
    proxy, live_server, seminar, settings
):
    settings.PUBLIC_CACHE_SECONDS = 3
    # The node asked directly, as the proxy asks it: the page goes into the portal's own page cache.
    node = proxy.drill.Browser(
        live_server.url,
        host=f"localhost:{proxy.port}",
        headers={"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"},
    )
    node.get(url("activities:event_list"))
    time.sleep(2)
    from_the_page_cache = proxy.get(url("activities:event_list"))
    time.sleep(2.5)
    later = proxy.get(url("activities:event_list"))

    assert from_the_page_cache.header("X-Cache-Status") == "MISS"
    assert from_the_page_cache.header("Cache-Control") in ("public, max-age=1", "public, max-age=0")
    # Past the page's three seconds (and the second nginx counts its lifetimes in), the proxy asks the portal again;
    # told the whole three seconds again, it would still answer from its copy.
    assert later.header("X-Cache-Status") in ("EXPIRED", "REVALIDATED", "MISS")


def test_while_the_web_nodes_fail_visitors_get_the_last_public_page_and_nothing_else(proxy, seminar, settings):
    settings.PUBLIC_CACHE_SECONDS = 1
    kept = proxy.get(url("activities:event_list"))
    proxy.reroute(f"127.0.0.1:{proxy.drill.free_port()}")  # nobody listens there
    time.sleep(1.5)
    during = proxy.get(url("activities:event_list"))
    never_kept = proxy.get("/uk/")
    staff = proxy.get(url("activities:event_list"), cookies={"sessionid": "abc"})

    assert kept.status == 200
    assert during.status == 200 and during.header("X-Cache-Status") == "STALE"
    assert during.body == kept.body
    assert never_kept.status == 502
    assert staff.status == 502


def test_the_apis_links_keep_the_scheme_host_and_port_the_visitor_came_through(proxy, seminar, settings):
    # As in production (BEHIND_TLS_PROXY): the scheme is the proxy's X-Forwarded-Proto, the host and port its Host.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    EventFactory()
    origin = f"https://localhost:{proxy.port}"

    root = json_body(proxy.get("/api/v1/"))
    events = json_body(proxy.get("/api/v1/events/?page_size=1"))

    assert root and all(link.startswith(f"{origin}/api/v1/") for link in root.values())
    assert events["next"] == f"{origin}/api/v1/events/?page=2&page_size=1"
