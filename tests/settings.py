"""Test settings: the real settings module, with the test-only switches turned on."""

import os

os.environ.setdefault("CRM_TESTING", "true")
os.environ.setdefault("MANIFEST_STATIC", "false")

from crm_site.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test gets a clean cache (throttling counters, memoised lookups) without touching Redis keys of others.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Eager in the test process; a real worker a test starts (tests/analytics/test_worker_killed.py) queues what its
# tasks start (a chord's callback, the next chord) on the broker, as production does.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CRM_TEST_CELERY_WORKER") != "true"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
