"""Start-up and deployment behaviour of portal/settings.py, checked the way an operator meets it: manage.py."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Independent of the database: CI runs these in its SQLite stage only (see .ci/run).
pytestmark = pytest.mark.standalone

PROJECT_DIR = Path(__file__).resolve().parents[2]
README = PROJECT_DIR / "README.md"
SETTINGS = PROJECT_DIR / "portal" / "settings.py"


def production_environment():
    """The ```dotenv block of the README's production section, empty (secret) values filled with fresh ones."""
    block = re.search(r"^```dotenv\n(.*?)^```", README.read_text(), flags=re.MULTILINE | re.DOTALL)
    assert block, "README.md has no ```dotenv block with the production variables"
    variables = {}
    for line in block.group(1).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value or secrets.token_urlsafe(50)
    return variables


def manage(*args, environment, tmp_path):
    """Run manage.py in a clean environment: only what is given, none of the test suite's own variables."""
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**base, **environment},
        capture_output=True,
        text=True,
        # collectstatic compresses every static file, the API documentation's 1.6 MB bundle among them: about 40 s
        # of CPU, several minutes on a loaded two-core machine.
        timeout=360,
        check=False,
    )


def test_without_secret_key_the_portal_stops_with_one_clear_line(tmp_path):
    result = manage("check", environment={}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert result.stderr.strip() == "LIBRI: SECRET_KEY must be set when DEBUG is off (see README, 'Configuration')."
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("hops", ["0", "-1"])
def test_trusting_no_proxy_hop_is_refused_with_one_clear_line(tmp_path, hops):
    result = manage("check", environment={"DEBUG": "1", "TRUSTED_PROXY_HOPS": hops}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert result.stderr.strip() == "LIBRI: TRUSTED_PROXY_HOPS must be 1 or more (see README, 'Configuration')."


def test_debug_mode_starts_without_any_variable(tmp_path):
    result = manage("check", environment={"DEBUG": "1"}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr


def test_deployment_checks_pass_with_the_documented_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=production_environment(), tmp_path=tmp_path
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deployment_checks_flag_a_production_without_tls_settings(tmp_path):
    # The counterpart of the test above: the check is strict enough to notice missing HTTPS settings.
    environment = {**production_environment(), "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_every_environment_variable_of_the_settings_is_documented():
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", SETTINGS.read_text()))
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", README.read_text(), flags=re.MULTILINE))

    assert read, "no environment variables found in portal/settings.py"
    assert read - documented == set(), "add these to the configuration table in README.md"
    assert documented - read == set(), "the README documents variables that portal/settings.py no longer reads"


def test_static_files_are_collected_compressed_with_hashed_names(tmp_path):
    static_root = tmp_path / "static"
    environment = {**production_environment(), "STATIC_ROOT": str(static_root)}

    result = manage("collectstatic", "--noinput", "--verbosity=0", environment=environment, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    css = {path.name for path in (static_root / "portal").iterdir() if path.name.startswith("site.")}
    hashed = {name for name in css if re.fullmatch(r"site\.[0-9a-f]{12}\.css", name)}
    assert hashed, f"no hashed stylesheet among {sorted(css)}"
    (name,) = hashed
    assert {name + ".gz", name + ".br"} <= css
    assert (static_root / "staticfiles.json").is_file()


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "LocMemCache True memory://"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "RedisCache False redis://127.0.0.1:6379/0"),
    ],
)
def test_redis_url_switches_cache_and_celery_between_inline_and_broker(tmp_path, variables, expected):
    # Only the configuration is read; no connection is made.
    code = (
        "from django.core.cache import caches; from portal.celery import app; "
        "print(type(caches['default']).__name__, app.conf.task_always_eager, app.conf.broker_url)"
    )
    result = manage("shell", "--verbosity=0", "-c", code, environment={"DEBUG": "1", **variables}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "False"),
        ({"OTP_REQUIRED_FOR_STAFF": "true"}, "True"),
        # The former name, from the time only coordinators could be required to use it, still turns it on.
        ({"OTP_REQUIRED_FOR_COORDINATORS": "true"}, "True"),
        ({"OTP_REQUIRED_FOR_COORDINATORS": "true", "OTP_REQUIRED_FOR_STAFF": "false"}, "False"),
    ],
)
def test_one_variable_requires_two_step_login_of_every_staff_member(tmp_path, variables, expected):
    code = "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_STAFF)"
    result = manage("shell", "--verbosity=0", "-c", code, environment={"DEBUG": "1", **variables}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_the_production_block_requires_two_step_login_of_every_staff_member():
    assert production_environment().get("OTP_REQUIRED_FOR_STAFF") == "true"
