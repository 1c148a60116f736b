"""The Celery app against a real broker and worker: run when REDIS_URL is set (as .ci/run does)."""

import os

import pytest
from django.conf import settings

from portal import celery_app

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL and a Celery worker started with it (see README, 'Tests')",
    ),
]


def test_tasks_go_through_the_redis_broker_instead_of_running_inline():
    assert celery_app.conf.broker_url == os.environ["REDIS_URL"] == settings.REDIS_URL
    assert celery_app.conf.task_always_eager is False


def test_a_task_is_acknowledged_only_after_it_ran_and_requeued_if_its_worker_dies():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_the_broker_accepts_connections():
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=2)
        assert connection.connected


def test_a_worker_answers_through_the_broker():
    # limit=1: return at the first answer instead of waiting out the timeout for more workers.
    replies = celery_app.control.ping(timeout=10.0, limit=1)

    assert replies, "no Celery worker answered: start one with the same REDIS_URL"
    assert all(reply == {"ok": "pong"} for answer in replies for reply in answer.values())
