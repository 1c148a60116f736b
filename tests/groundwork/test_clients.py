"""The client address behind the reverse proxy: what the public forms' rate limit, the login lockout and the API
throttle count by. Every request of these tests comes from the proxy's own address (the test client's 127.0.0.1);
only the X-Forwarded-For header differs."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from activities.models import Registration
from tests.activities.registering import register
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
REGISTRATION_LIMIT = 10  # activities.forms: 10 registrations per address within 10 minutes


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_HOPS = 1
    return settings


@pytest.fixture
def seminar():
    return EventFactory(registration_required=True, capacity=500)


@pytest.fixture
def staff_user():
    return UserFactory(username="coordinator", is_staff=True, is_superuser=True)


def forwarded_for(chain):
    """A visitor as the application sees her: the proxy's connection, carrying the chain of addresses."""
    return Client(headers={"X-Forwarded-For": chain})


def log_in(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def test_visitors_behind_the_proxy_are_not_limited_by_each_other(behind_proxy, seminar):
    statuses = [
        register(forwarded_for(f"203.0.113.{number}"), seminar, email=f"person{number}@example.org").status_code
        for number in range(REGISTRATION_LIMIT + 5)
    ]

    assert statuses == [302] * (REGISTRATION_LIMIT + 5)
    assert Registration.objects.count() == REGISTRATION_LIMIT + 5


def test_a_burst_from_one_forwarded_address_is_limited_and_no_one_else(behind_proxy, seminar):
    burst = forwarded_for("203.0.113.7")
    accepted = [
        register(burst, seminar, email=f"burst{number}@example.org").status_code for number in range(REGISTRATION_LIMIT)
    ]

    refused = register(burst, seminar, email="one-more@example.org")
    neighbour = register(forwarded_for("203.0.113.8"), seminar, email="neighbour@example.org")

    assert accepted == [302] * REGISTRATION_LIMIT
    assert refused.status_code == 429
    assert neighbour.status_code == 302
    assert Registration.objects.count() == REGISTRATION_LIMIT + 1


def test_a_burst_from_one_ipv6_network_is_limited_whatever_address_of_it_each_post_uses(behind_proxy, seminar):
    # An IPv6 customer is given a /64: a new address for each post is there for the taking.
    accepted = [
        register(forwarded_for(f"2001:db8:5:7::{number:x}"), seminar, email=f"burst{number}@example.org").status_code
        for number in range(1, REGISTRATION_LIMIT + 1)
    ]

    refused = register(forwarded_for("2001:db8:5:7:ffff::1"), seminar, email="one-more@example.org")
    neighbour = register(forwarded_for("2001:db8:5:8::1"), seminar, email="neighbour@example.org")

    assert accepted == [302] * REGISTRATION_LIMIT
    assert refused.status_code == 429
    assert neighbour.status_code == 302


def test_wrong_passwords_lock_out_the_forwarded_address_only(behind_proxy, staff_user, settings):
    attacker = forwarded_for("198.51.100.66")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, staff_user.username, "wrong")

    attacker_with_the_password = log_in(attacker, staff_user.username, PASSWORD)
    owner = log_in(forwarded_for("203.0.113.20"), staff_user.username, PASSWORD)

    assert attacker_with_the_password.status_code == 429
    assert owner.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


def test_wrong_passwords_from_one_ipv6_network_lock_it_out_whatever_address_of_it_each_uses(
    behind_proxy, staff_user, settings
):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(forwarded_for(f"2001:db8:5:7::{attempt + 1:x}"), staff_user.username, "wrong")

    attacker_with_the_password = log_in(forwarded_for("2001:db8:5:7:ffff::1"), staff_user.username, PASSWORD)
    owner = log_in(forwarded_for("2001:db8:5:8::1"), staff_user.username, PASSWORD)

    assert attacker_with_the_password.status_code == 429
    assert owner.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"2001:db8:5:7::"}


def test_a_forged_start_of_the_chain_is_ignored_behind_the_proxy(behind_proxy, seminar):
    # The proxy appends the address it saw (203.0.113.9); what the client wrote before it is not believed.
    statuses = [
        register(
            forwarded_for(f"192.0.2.{number}, 203.0.113.9"), seminar, email=f"forger{number}@example.org"
        ).status_code
        for number in range(REGISTRATION_LIMIT + 1)
    ]

    assert statuses == [302] * REGISTRATION_LIMIT + [429]


def test_without_the_proxy_a_forwarded_header_is_not_believed(settings, seminar, staff_user):
    settings.BEHIND_TLS_PROXY = False
    statuses = [
        register(forwarded_for(f"203.0.113.{number}"), seminar, email=f"forger{number}@example.org").status_code
        for number in range(REGISTRATION_LIMIT + 1)
    ]
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(forwarded_for(f"198.51.100.{number}"), staff_user.username, "wrong")

    assert statuses == [302] * REGISTRATION_LIMIT + [429]
    assert log_in(forwarded_for("198.51.100.200"), staff_user.username, PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_two_trusted_hops_read_the_client_before_the_outer_proxy(behind_proxy, staff_user, settings):
    # A load balancer in front of the proxy: the chain is client, load balancer.
    settings.TRUSTED_PROXY_HOPS = 2
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(forwarded_for("192.0.2.1, 198.51.100.66, 10.0.0.2"), staff_user.username, "wrong")

    assert log_in(forwarded_for("198.51.100.66, 10.0.0.2"), staff_user.username, PASSWORD).status_code == 429
    assert log_in(forwarded_for("203.0.113.20, 10.0.0.2"), staff_user.username, PASSWORD).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


def test_a_chain_shorter_than_the_trusted_hops_counts_as_the_connection(behind_proxy, staff_user, settings):
    # Two hops trusted but only one entry: the request did not pass the outer proxy, its header proves nothing.
    settings.TRUSTED_PROXY_HOPS = 2
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(forwarded_for(f"198.51.100.{number}"), staff_user.username, "wrong")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_api_throttle_counts_forwarded_addresses_apart(behind_proxy):
    behind_proxy.OPEN_DATA_API_RATE = "2/minute"
    first, second = forwarded_for("203.0.113.1"), forwarded_for("203.0.113.2")

    statuses = [first.get(f"/api/v1/organisations/?n={n}").status_code for n in range(3)]

    assert statuses == [200, 200, 429]
    assert second.get("/api/v1/organisations/?n=9").status_code == 200


def test_the_api_throttle_counts_an_ipv6_network_as_one_client(behind_proxy):
    behind_proxy.OPEN_DATA_API_RATE = "2/minute"

    statuses = [
        forwarded_for(f"2001:db8:5:7::{n + 1:x}").get(f"/api/v1/organisations/?n={n}").status_code for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert forwarded_for("2001:db8:5:8::1").get("/api/v1/organisations/?n=9").status_code == 200
