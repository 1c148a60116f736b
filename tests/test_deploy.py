"""The proxy configuration of deploy/nginx/: nginx accepts it as the fault drill renders it, and its request size
limits match the portal's upload limits."""

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from groundwork.uploads import DEFAULT_MAX_BYTES

pytestmark = pytest.mark.standalone

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT_DIR / "deploy" / "nginx" / "templates" / "libri.conf.template"
UNITS = {"": 1, "k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024}


def drill():
    spec = importlib.util.spec_from_file_location("drill", PROJECT_DIR / "deploy" / "drill.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def body_limits():
    """{location: bytes} of the template's client_max_body_size directives ("server" for the server's own)."""
    limits, location = {}, "server"
    for line in TEMPLATE.read_text().splitlines():
        if re.match(r"\s*server\s*\{", line):
            location = "server"
        elif opened := re.match(r"\s*location\s+(.+?)\s*\{$", line):
            location = opened[1]
        size = re.match(r"\s*client_max_body_size\s+(\d+)([kmg]?);", line)
        if size:
            limits[location] = int(size[1]) * UNITS[size[2]]
    return limits


@pytest.fixture
def values(tmp_path):
    for folder in ("media", "acme", "cache"):
        (tmp_path / folder).mkdir()
    return {
        "LIBRI_HTTP_LISTEN": "127.0.0.1:8080",
        "LIBRI_HTTPS_LISTEN": "127.0.0.1:8443",
        "LIBRI_PUBLIC_ORIGIN": "https://libri.example.org",
        "LIBRI_TLS_CERTIFICATE": tmp_path / "fullchain.pem",
        "LIBRI_TLS_KEY": tmp_path / "privkey.pem",
        "LIBRI_WEB_NODES": "server 127.0.0.1:8001; server 127.0.0.1:8002;",
        "LIBRI_MEDIA_ROOT": tmp_path / "media",
        "LIBRI_ACME_ROOT": tmp_path / "acme",
        "LIBRI_CACHE_DIR": tmp_path / "cache",
    }


def test_every_value_of_the_template_is_filled_and_nginx_variables_are_kept(values):
    rendered = drill().render_site(values)

    assert "${" not in rendered
    assert "server 127.0.0.1:8001; server 127.0.0.1:8002;" in rendered
    assert "$proxy_add_x_forwarded_for" in rendered and "return 301 https://libri.example.org$request_uri" in rendered
    with pytest.raises(ValueError, match="LIBRI_TLS_KEY"):
        drill().render_site({name: value for name, value in values.items() if name != "LIBRI_TLS_KEY"})


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="needs nginx and openssl")
def test_nginx_accepts_the_configuration_as_the_drill_renders_it(tmp_path, values):
    module = drill()
    module.self_signed_certificate(tmp_path)
    site = tmp_path / "libri.conf"
    site.write_text(module.render_site(values))
    config = tmp_path / "nginx.conf"
    config.write_text(module.main_config(tmp_path, site))

    result = subprocess.run(
        ["nginx", "-t", "-c", str(config), "-e", str(tmp_path / "error.log")], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    broken = tmp_path / "broken.conf"
    broken.write_text(module.render_site(values).replace("proxy_pass http://libri_web;", "proxy_pass;", 1))
    config.write_text(module.main_config(tmp_path, broken))
    refused = subprocess.run(["nginx", "-t", "-c", str(config), "-e", str(tmp_path / "error.log")], capture_output=True)
    assert refused.returncode != 0


def test_public_pages_take_what_django_takes_and_staff_pages_a_guide_with_four_files():
    limits = body_limits()
    largest_upload = max(settings.RESOURCE_FILE_MAX_BYTES, DEFAULT_MAX_BYTES)

    # Beyond Django's own limit of form data the portal refuses the request itself, with its own message.
    assert limits["server"] >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limits["server"] < largest_upload
    # A guide is saved with one file per language, each up to the upload limit.
    assert limits["/admin/"] >= 4 * largest_upload
    assert limits['~ "^/[a-z]{2}/staff/"'] == limits["/admin/"]


def test_the_proxy_keeps_shared_copies_from_the_same_requests_the_portal_counts_as_personal():
    # groundwork.caching.is_personal: a session cookie or the messages cookie. A renamed cookie the proxy does not
    # know would let it hand one person's page to everybody.
    from django.contrib.messages.storage.cookie import CookieStorage

    personal = re.search(r'map "((?:\$cookie_\w+)+)" \$libri_personal', TEMPLATE.read_text())

    assert personal, "the template names the personal cookies in one map"
    assert set(re.findall(r"\$cookie_(\w+)", personal[1])) == {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}
    assert "proxy_cache_bypass $libri_personal;" in TEMPLATE.read_text()
    assert "proxy_no_cache $libri_personal;" in TEMPLATE.read_text()


def test_the_proxy_refuses_the_upload_folders_the_portal_refuses_to_serve():
    # portal.views.media_file refuses them when the portal serves uploads itself; the proxy must refuse the same
    # folders, or a new private folder would be private in development only.
    from portal.views import PRIVATE_MEDIA_FOLDERS

    refused = re.findall(r"location \^~ /media/([\w-]+)/ \{\s*return 404;\s*\}", TEMPLATE.read_text())

    assert set(refused) == PRIVATE_MEDIA_FOLDERS
