import pytest
from django.core import mail

from tests.factories import CustomerFactory


@pytest.fixture(autouse=True)
def _outreach_settings(settings):
    """No waiting in tests: retries are due at once and sends are not rate limited."""
    settings.OUTREACH_RETRY_BACKOFF = 0
    settings.OUTREACH_RATE_PER_MINUTE = 0
    settings.WEBHOOK_RETRY_BACKOFF = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://crm.example.com"
    mail.outbox = []


@pytest.fixture
def marketing(org):
    return org["marketing"]


@pytest.fixture
def consenting(rep, project_a):
    return CustomerFactory(owner=rep, project=project_a, email="liu@example.com", marketing_consent=True, name="刘伟")


@pytest.fixture
def refusing(rep, project_a):
    return CustomerFactory(owner=rep, project=project_a, email="wang@example.com", marketing_consent=False, name="王芳")


@pytest.fixture
def no_email(rep, project_a):
    return CustomerFactory(owner=rep, project=project_a, email="", marketing_consent=True, name="张敏")
