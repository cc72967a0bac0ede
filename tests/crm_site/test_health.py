"""GET /healthz/: the state of the database and the broker, for load balancers and uptime checks."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db

LIVE_REDIS = "redis://127.0.0.1:6379/15"  # running on developer machines and in CI
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_health_answers_anonymous_users_with_json_and_eager_broker_without_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}


def test_health_pings_a_live_redis_broker(client, settings):
    settings.REDIS_URL = LIVE_REDIS
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_health_reports_an_unreachable_broker_as_down_but_stays_200(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    response = client.get("/healthz/")
    # The web tier still works without Redis: degraded, not unhealthy.
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down", "status": "degraded"}


def test_health_answers_503_when_the_database_cursor_fails(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("crm_site.views.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("could not connect to server")
        response = client.get("/healthz/")
    assert connection.cursor.called
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "eager", "status": "degraded"}


def test_health_answers_503_when_the_query_itself_fails(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("crm_site.views.health.connection") as connection:
        cursor = connection.cursor.return_value.__enter__.return_value
        cursor.execute.side_effect = OperationalError("server closed the connection unexpectedly")
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_health_is_never_cached(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz/")
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control
    assert "max-age=0" in cache_control


def test_health_rejects_post(client):
    assert client.post("/healthz/").status_code == 405


def test_health_does_not_require_login_even_with_a_stale_session(client, settings, rep):
    settings.REDIS_URL = ""
    client.force_login(rep)
    session = client.session
    session["last_seen"] = 0  # long idle: the idle middleware logs the user out on this request
    session.save()
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
