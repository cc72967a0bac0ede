"""A 403 or 404 is an answer, not a crash: logged once, on one line, without a traceback; a 500 keeps its traceback."""

import io
import logging
import logging.config

import pytest
from django.conf import settings


@pytest.fixture
def server_log():
    """The project's logging as configured in production, writing to a buffer."""
    logging.config.dictConfig(settings.LOGGING)
    stream = io.StringIO()
    root = logging.getLogger()
    console = root.handlers[0]
    console.setStream(stream)
    yield stream
    logging.config.dictConfig(settings.LOGGING)  # back to a console on stderr


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["rep"])
def test_a_refusal_is_logged_once_without_a_traceback(client, org, role, server_log):
    client.force_login(org[role])
    assert client.get("/customers/999999/").status_code == 404
    assert client.get("/settings/audit/").status_code == 403
    lines = [line for line in server_log.getvalue().splitlines() if line.strip()]
    assert len([line for line in lines if "Not Found: /customers/999999/" in line]) == 1
    assert len([line for line in lines if "Forbidden" in line and "/settings/audit/" in line]) == 1
    assert "Traceback" not in server_log.getvalue()


def test_an_error_keeps_its_traceback(server_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x/", exc_info=True, extra={"status_code": 500}
        )
    assert "Traceback" in server_log.getvalue() and server_log.getvalue().count("Internal Server Error") == 1
