"""docker-compose.yml is valid against the Compose specification and describes the documented stack."""

import re
from pathlib import Path

import pytest
from compose_spec import PyCompose

PROJECT_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
PROXY_TEMPLATE = PROJECT_DIR / "deploy" / "nginx" / "templates" / "libri.conf.template"
APP_SERVICES = ("migrate", "web", "worker", "beat")
SERVICES = {"web", "migrate", "worker", "beat", "db", "broker", "cache", "proxy", "certbot"}


@pytest.fixture(scope="module")
def compose():
    return PyCompose.from_yaml(COMPOSE_FILE.read_text()).to_dict()


def test_compose_file_follows_the_compose_specification():
    text = COMPOSE_FILE.read_text()

    parsed = PyCompose.from_yaml(text).to_dict()  # raises on any value against the specification

    assert set(parsed["services"]) == SERVICES
    # The same file with one value against the specification is refused: the check above reads the values.
    broken = text.replace("restart: unless-stopped", "restart: sometimes", 1)
    assert broken != text
    with pytest.raises(ValueError, match="restart"):
        PyCompose.from_yaml(broken)


def test_compose_validator_rejects_an_invalid_file():
    # Guards the test above: the validator must actually check values, not only parse YAML.
    with pytest.raises(ValueError, match="restart"):
        PyCompose.from_yaml("services:\n  web:\n    image: libri\n    restart: sometimes\n")


def test_stack_has_web_migrate_worker_beat_database_broker_cache_and_proxy(compose):
    assert set(compose["services"]) == SERVICES


def test_the_broker_keeps_tasks_and_the_cache_is_bounded_and_evicts(compose):
    broker = compose["services"]["broker"]["command"]
    cache = compose["services"]["cache"]["command"]
    assert broker[broker.index("--appendonly") + 1] == "yes"
    assert broker[broker.index("--maxmemory-policy") + 1] == "noeviction"
    assert cache[cache.index("--maxmemory") + 1] == "256mb"
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert "volumes" not in compose["services"]["cache"]


def test_application_services_share_one_image_and_environment(compose):
    services = compose["services"]
    assert {services[name]["image"] for name in APP_SERVICES} == {"libri-portal:latest"}
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"] == "redis://broker:6379/0"
        assert services[name]["environment"]["REDIS_CACHE_URL"] == "redis://cache:6379/0"


def test_web_runs_gunicorn_and_worker_and_beat_run_celery(compose):
    services = compose["services"]
    assert services["web"]["command"][:2] == ["gunicorn", "portal.wsgi:application"]
    assert services["worker"]["command"][:3] == ["celery", "--app=portal", "worker"]
    assert services["beat"]["command"][:3] == ["celery", "--app=portal", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


@pytest.mark.parametrize("service", ["db", "broker", "cache", "web", "worker", "proxy"])
def test_long_running_services_have_a_healthcheck(compose, service):
    healthcheck = compose["services"][service]["healthcheck"]
    test = healthcheck["test"]
    # The validator normalises ["CMD-SHELL", "command"] to the plain command string.
    assert isinstance(test, str) or test[0] in {"CMD", "CMD-SHELL"}
    assert test
    assert healthcheck["interval"]
    assert healthcheck["retries"] >= 1


def test_web_healthcheck_uses_the_liveness_endpoint(compose):
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("service", ["db", "broker", "cache", "web", "worker", "beat", "proxy"])
def test_long_running_services_restart_unless_stopped(compose, service):
    assert compose["services"][service]["restart"] == "unless-stopped"


def test_migrate_runs_once_and_the_application_waits_for_it(compose):
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["broker"]["condition"] == "service_healthy"


def test_state_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "media", "certificates", "acme-challenges"}
    services = compose["services"]
    assert "postgres-data:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "redis-data:/data" in services["broker"]["volumes"]
    assert "media:/app/media" in services["web"]["volumes"]
    assert services["web"]["environment"]["MEDIA_ROOT"] == "/app/media"


# --- The reverse proxy --------------------------------------------------------------------------------------------


def template_variables():
    return set(re.findall(r"\$\{(LIBRI_[A-Z_]+)\}", PROXY_TEMPLATE.read_text()))


def test_the_proxy_runs_the_official_nginx_image_with_the_repository_configuration(compose):
    proxy = compose["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx/templates:/etc/nginx/templates:ro" in proxy["volumes"]
    # The image renders the template with the environment: LIBRI_ names only, nginx's own $variables stay.
    assert proxy["environment"]["NGINX_ENVSUBST_FILTER"] == "LIBRI_"


def test_the_proxy_sets_every_value_of_the_template_and_no_other(compose):
    environment = compose["services"]["proxy"]["environment"]
    assert template_variables()
    assert {name for name in environment if name.startswith("LIBRI_")} == template_variables()
    assert all(str(environment[name]).strip() for name in template_variables())


def test_only_the_proxy_is_published_on_80_and_443(compose):
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert set(services["proxy"]["ports"]) == {"80:80", "443:443"}


def test_the_proxy_reads_certificates_and_uploads_from_volumes(compose):
    proxy = compose["services"]["proxy"]
    environment = proxy["environment"]
    mounts = {volume.split(":")[1]: volume for volume in proxy["volumes"]}
    assert mounts["/etc/libri/certificates"] == "certificates:/etc/libri/certificates:ro"
    assert environment["LIBRI_TLS_CERTIFICATE"].startswith("/etc/libri/certificates/")
    assert environment["LIBRI_TLS_KEY"].startswith("/etc/libri/certificates/")
    assert mounts[environment["LIBRI_MEDIA_ROOT"]] == f"media:{environment['LIBRI_MEDIA_ROOT']}:ro"
    assert mounts[environment["LIBRI_ACME_ROOT"]] == f"acme-challenges:{environment['LIBRI_ACME_ROOT']}:ro"
    # certbot writes where the proxy reads, and leaves its challenges in the proxy's webroot.
    certbot = compose["services"]["certbot"]
    assert "certificates:/etc/letsencrypt" in certbot["volumes"]
    assert f"acme-challenges:{environment['LIBRI_ACME_ROOT']}" in certbot["volumes"]
    assert certbot["profiles"] == ["certificates"]


def test_the_proxy_spreads_requests_over_two_web_nodes_that_trust_it(compose):
    services = compose["services"]
    assert services["web"]["deploy"]["replicas"] >= 2
    assert "server web:8000" in services["proxy"]["environment"]["LIBRI_WEB_NODES"]
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        assert services[name]["environment"]["BEHIND_TLS_PROXY"] == "true"
        assert services[name]["environment"]["TRUSTED_PROXY_HOPS"] == "1"
