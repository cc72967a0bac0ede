"""crm_site.settings read from the environment: the fallbacks without services, and production hardening.

Each case imports the real settings module in a fresh interpreter with a controlled environment
(nothing inherited from this process, so a CI DATABASE_URL cannot leak in, and a developer's
.env file is ignored).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json

import environ

environ.Env.read_env = staticmethod(lambda *args, **kwargs: None)  # ignore a local .env file

import django

django.setup()
from django.conf import settings

db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "conn_health_checks": db.get("CONN_HEALTH_CHECKS"),
    "db_options": db.get("OPTIONS", {}),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "redis_url": settings.REDIS_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "result_backend": settings.CELERY_RESULT_BACKEND,
    "time_zone": settings.TIME_ZONE,
    "celery_time_zone": settings.CELERY_TIMEZONE,
    "currency": settings.CURRENCY,
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_name": settings.SESSION_COOKIE_NAME,
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
    "session_cookie_age": settings.SESSION_COOKIE_AGE,
    "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
    "axes_failure_limit": settings.AXES_FAILURE_LIMIT,
    "axes_cooloff_time": settings.AXES_COOLOFF_TIME,
    "password_hashers": settings.PASSWORD_HASHERS,
    "min_password_length": [
        validator.get("OPTIONS", {}).get("min_length")
        for validator in settings.AUTH_PASSWORD_VALIDATORS
        if validator["NAME"].endswith("MinimumLengthValidator")
    ],
}))
"""


def base_env(**overrides: str) -> dict[str, str]:
    """A clean environment: only what an interpreter needs, plus `overrides`."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "crm_site.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    env.update(overrides)
    return env


def run_probe(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_ROOT,
        env=base_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(**env: str) -> dict:
    result = run_probe(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bare():
    """Settings with no services configured (a laptop, or the test suite)."""
    return load_settings(CRM_TESTING="true")


@pytest.fixture(scope="module")
def with_services():
    return load_settings(CRM_TESTING="true", DATABASE_URL="postgres://u@h:5432/d", REDIS_URL="redis://h:6379/0")


@pytest.fixture(scope="module")
def production():
    return load_settings(SECRET_KEY="x" * 64, HTTPS="true", ALLOWED_HOSTS="crm.example.com")


def test_without_database_url_the_site_runs_on_the_sqlite_file_in_the_project(bare):
    assert bare["engine"] == "django.db.backends.sqlite3"
    assert Path(bare["db_name"]) == PROJECT_ROOT / "db.sqlite3"
    assert bare["db_options"] == {"timeout": 20}


def test_without_redis_url_celery_is_eager_and_the_cache_is_local_memory(bare):
    assert bare["redis_url"] == ""
    assert bare["eager"] is True
    assert bare["broker"] == "memory://"
    assert bare["result_backend"] is None
    assert bare["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"


def test_locale_defaults_are_shanghai_time_and_yuan(bare):
    assert bare["time_zone"] == "Asia/Shanghai"
    assert bare["celery_time_zone"] == "Asia/Shanghai"
    assert bare["currency"] == "CNY"


def test_time_zone_and_currency_come_from_the_environment():
    loaded = load_settings(CRM_TESTING="true", TIME_ZONE="Asia/Hong_Kong", CURRENCY="HKD")
    assert loaded["time_zone"] == "Asia/Hong_Kong"
    assert loaded["celery_time_zone"] == "Asia/Hong_Kong"
    assert loaded["currency"] == "HKD"


def test_session_and_lockout_policy_defaults(bare):
    assert bare["session_cookie_age"] == 12 * 60 * 60
    assert bare["session_idle_timeout"] == 30 * 60
    assert bare["axes_failure_limit"] == 5
    assert bare["axes_cooloff_time"] * 60 == 15  # hours -> minutes
    assert bare["min_password_length"] == [12]


def test_database_url_selects_postgresql_with_pooled_health_checked_fast_failing_connections(with_services):
    assert with_services["engine"] == "django.db.backends.postgresql"
    assert with_services["db_name"] == "d"
    assert with_services["conn_max_age"] == 60
    assert with_services["conn_health_checks"] is True
    assert with_services["db_options"]["connect_timeout"] == 3


def test_redis_url_selects_the_redis_cache_and_a_real_broker(with_services):
    assert with_services["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
    assert with_services["cache_location"] == "redis://h:6379/0"
    assert with_services["eager"] is False
    assert with_services["broker"] == "redis://h:6379/0"
    assert with_services["result_backend"] == "redis://h:6379/0"


def test_conn_max_age_can_be_tuned_from_the_environment():
    loaded = load_settings(CRM_TESTING="true", DATABASE_URL="postgres://u@h:5432/d", CONN_MAX_AGE="0")
    assert loaded["conn_max_age"] == 0


def test_without_debug_secret_key_or_testing_flag_the_settings_refuse_to_load():
    result = run_probe()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_debug_off_with_an_empty_secret_key_still_refuses_to_load():
    result = run_probe(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_a_one_off_management_command_runs_with_a_throwaway_key():
    first = load_settings(CRM_MANAGEMENT_COMMAND="migrate")
    second = load_settings(CRM_MANAGEMENT_COMMAND="migrate")
    assert first["debug"] is False
    assert len(first["secret_key"]) >= 50
    assert first["secret_key"] != second["secret_key"]


def test_serving_still_refuses_to_start_without_a_secret_key():
    result = run_probe(CRM_MANAGEMENT_COMMAND="runserver")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_allows_the_development_key():
    loaded = load_settings(DEBUG="true")
    assert loaded["debug"] is True
    assert loaded["secret_key"]


def test_a_given_secret_key_is_used_and_debug_defaults_off(production):
    assert production["secret_key"] == "x" * 64
    assert production["debug"] is False


def test_the_fast_test_hasher_is_only_used_by_the_test_suite(bare, production):
    assert bare["password_hashers"] == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert "django.contrib.auth.hashers.MD5PasswordHasher" not in production["password_hashers"]


def test_https_turns_on_secure_host_prefixed_cookies_and_a_year_of_hsts(production):
    assert production["session_cookie_secure"] is True
    assert production["csrf_cookie_secure"] is True
    assert production["session_cookie_name"].startswith("__Host-")
    assert production["csrf_cookie_name"].startswith("__Host-")
    assert production["hsts_seconds"] == 31_536_000
    assert production["hsts_subdomains"] is True
    assert production["hsts_preload"] is False
    assert production["ssl_redirect"] is True


def test_the_forwarded_proto_header_is_trusted_only_behind_a_declared_tls_proxy(production):
    assert production["proxy_ssl_header"] is None
    proxied = load_settings(SECRET_KEY="x" * 64, HTTPS="true", BEHIND_TLS_PROXY="true")
    assert proxied["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_plain_http_keeps_default_cookie_names_without_the_secure_flag(bare):
    # Browsers drop Secure / __Host- cookies over plain http (runserver, live_server).
    assert bare["session_cookie_secure"] is False
    assert bare["csrf_cookie_secure"] is False
    assert bare["session_cookie_name"] == "sessionid"
    assert bare["csrf_cookie_name"] == "csrftoken"
    assert bare["hsts_seconds"] == 0


def test_production_settings_pass_the_deployment_checklist():
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=base_env(
            DEBUG="false",
            HTTPS="true",
            SECRET_KEY="k3y-" + "Zq9mW2xR7vT4pL8nB6cJ1hF5dG3sA0eY" * 2,
            ALLOWED_HOSTS="crm.example.com",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
