"""Logging in and staying logged in: login, throttling (django-axes), logout, password change,
idle timeout, deactivation, CSRF and the security headers of authenticated pages."""

import datetime
import re
import time
from unittest import mock
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from customers.models import Customer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED_TEXT = "Too many failed log-in attempts"
BAD_LOGIN_TEXT = "Please enter a correct username and password"
NEW_PASSWORD = "a-much-longer-passphrase-42"

PROTECTED_PAGES = [
    "/",
    "/search/",
    "/customers/",
    "/customers/new/",
    "/staff/",
    "/staff/teams/",
    "/settings/fields/",
    "/settings/tokens/",
    "/settings/audit/",
    "/accounts/password/",
    "/accounts/password/done/",
]


def login(client, username, password, ip="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def fail_logins(client, username, times, ip):
    return [login(client, username, "wrong-password", ip=ip) for _ in range(times)]


# --- login -------------------------------------------------------------------------------------


def test_login_page_renders_for_anonymous_users(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text


@pytest.mark.parametrize("path", PROTECTED_PAGES)
def test_every_other_page_redirects_anonymous_users_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={quote(path)}"


def test_login_with_the_right_password_logs_in_and_cycles_the_session_key(client, rep):
    client.get(LOGIN)
    anonymous_session = client.session
    anonymous_session["probe"] = "before login"
    anonymous_session.save()
    before = anonymous_session.session_key

    response = login(client, "rep", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert logged_in_user_id(client) == str(rep.pk)
    assert client.get("/").status_code == 200


def test_login_follows_a_safe_next_url(client, rep):
    response = client.post(LOGIN, {"username": "rep", "password": PASSWORD, "next": "/customers/"})
    assert response.status_code == 302
    assert response["Location"] == "/customers/"


def test_login_ignores_an_offsite_next_url(client, rep):
    response = client.post(LOGIN, {"username": "rep", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_with_a_wrong_password_shows_an_error_and_stays_anonymous(client, rep):
    response = login(client, "rep", "wrong-password")
    assert response.status_code == 200
    assert BAD_LOGIN_TEXT in response.text
    assert logged_in_user_id(client) is None
    attempt = AccessAttempt.objects.get(username="rep")
    assert attempt.failures_since_start == 1
    assert attempt.ip_address == "127.0.0.1"


def test_a_logged_in_user_opening_login_goes_home(client, rep):
    client.force_login(rep)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- throttling (django-axes: 5 failures per (username, ip), 15-minute cool-off) ----------------


def test_five_failures_lock_the_username_and_ip_pair_even_for_the_right_password(client, rep):
    responses = fail_logins(client, "rep", 5, ip="10.0.0.1")
    assert [response.status_code for response in responses[:4]] == [200] * 4
    assert all(BAD_LOGIN_TEXT in response.text for response in responses[:4])
    assert AccessAttempt.objects.get(username="rep", ip_address="10.0.0.1").failures_since_start == 5

    response = login(client, "rep", PASSWORD, ip="10.0.0.1")

    assert response.status_code == 429
    assert LOCKED_TEXT in response.text
    assert logged_in_user_id(client) is None


def test_the_fifth_failure_already_answers_with_the_locked_out_page(client, rep):
    responses = fail_logins(client, "rep", 5, ip="10.0.0.1")
    assert responses[-1].status_code == 429
    assert LOCKED_TEXT in responses[-1].text


def test_four_failures_do_not_lock(client, rep):
    fail_logins(client, "rep", 4, ip="10.0.0.1")
    response = login(client, "rep", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(rep.pk)


def test_a_locked_username_can_still_log_in_from_another_address(client, rep):
    fail_logins(client, "rep", 5, ip="10.0.0.1")
    other_machine = Client()
    response = login(other_machine, "rep", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert other_machine.session.get("_auth_user_id") == str(rep.pk)


def test_another_user_can_still_log_in_from_the_locked_address(client, rep, other_rep):
    fail_logins(client, "rep", 5, ip="10.0.0.1")
    colleague = Client()
    response = login(colleague, "other_rep", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    assert colleague.session.get("_auth_user_id") == str(other_rep.pk)


def later(minutes):
    """Make django-axes see the current time `minutes` from now (it stamps attempts with this clock)."""
    return mock.patch("axes.handlers.proxy.now", return_value=timezone.now() + datetime.timedelta(minutes=minutes))


def test_the_lock_still_holds_fourteen_minutes_later(client, rep):
    fail_logins(client, "rep", 5, ip="10.0.0.1")
    with later(14):
        response = login(client, "rep", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 429
    assert logged_in_user_id(client) is None


def test_the_lock_lifts_after_the_fifteen_minute_cool_off(client, rep):
    fail_logins(client, "rep", 5, ip="10.0.0.1")
    with later(16):
        response = login(client, "rep", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(rep.pk)


def test_a_successful_login_resets_the_failure_count(client, rep):
    fail_logins(client, "rep", 4, ip="10.0.0.1")
    assert login(client, "rep", PASSWORD, ip="10.0.0.1").status_code == 302
    client.post("/accounts/logout/")
    fail_logins(client, "rep", 4, ip="10.0.0.1")
    response = login(client, "rep", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(rep.pk)


# --- logout --------------------------------------------------------------------------------------


def test_logout_by_post_ends_the_session(client, rep):
    client.force_login(rep)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused_and_keeps_the_session(client, rep):
    client.force_login(rep)
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert client.get("/").status_code == 200


# --- password change -------------------------------------------------------------------------------


def test_password_change_page_renders(client, rep):
    client.force_login(rep)
    response = client.get("/accounts/password/")
    assert response.status_code == 200
    assert 'name="new_password1"' in response.text


def test_password_change_sets_the_new_password_and_keeps_this_session(client, rep):
    client.force_login(rep)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    rep.refresh_from_db()
    assert rep.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200


def test_password_change_ends_the_other_sessions_of_the_user(client, rep):
    elsewhere = Client()
    elsewhere.force_login(rep)
    assert elsewhere.get("/").status_code == 200
    client.force_login(rep)
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = elsewhere.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_rejects_a_password_shorter_than_twelve_characters(client, rep):
    client.force_login(rep)
    short = "Xk7#mq2!Lp9"  # 11 characters
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": short, "new_password2": short}
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)


def test_password_change_rejects_a_wrong_old_password(client, rep):
    client.force_login(rep)
    response = client.post(
        "/accounts/password/",
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)


# --- idle timeout and deactivation ------------------------------------------------------------------


def set_last_seen(client, seconds_ago):
    session = client.session
    session["last_seen"] = int(time.time()) - seconds_ago
    session.save()


def test_an_idle_session_is_logged_out_on_the_next_request(client, rep, settings):
    client.force_login(rep)
    set_last_seen(client, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/customers/"
    assert logged_in_user_id(client) is None


def test_the_idle_logout_tells_the_user_why(client, rep, settings):
    client.force_login(rep)
    set_last_seen(client, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert "logged out after a period of inactivity" in response.text


def test_a_session_active_within_the_idle_timeout_stays_logged_in(client, rep, settings):
    client.force_login(rep)
    set_last_seen(client, settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get("/").status_code == 200
    # The request counts as activity: last_seen moves to now.
    assert int(time.time()) - client.session["last_seen"] < 5


def test_a_deactivated_user_is_sent_to_login_on_the_next_request(client, rep):
    client.force_login(rep)
    assert client.get("/").status_code == 200
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_a_deactivated_user_cannot_log_in(client, rep):
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    response = login(client, "rep", PASSWORD)
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


# --- CSRF and headers ---------------------------------------------------------------------------------


def customer_payload():
    return {
        "kind": "individual",
        "name": "CSRF Probe",
        "phone": "13900002222",
        "source": "walk_in",
        "level": "C",
        "status": "prospect",
    }


def test_a_post_without_csrf_token_is_refused(rep):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rep)
    response = browser.post("/customers/new/", customer_payload())
    assert response.status_code == 403
    assert not Customer.objects.filter(phone="13900002222").exists()


def test_a_post_with_the_csrf_token_passes_the_csrf_check(rep):
    """Control for the test above: the same POST with the token reaches the view (form shown or saved)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rep)
    browser.get("/customers/new/")
    token = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = browser.post("/customers/new/", {**customer_payload(), "csrfmiddlewaretoken": token})
    assert response.status_code in {200, 302}


def test_the_login_form_itself_requires_a_csrf_token(rep):
    browser = Client(enforce_csrf_checks=True)
    response = login(browser, "rep", PASSWORD)
    assert response.status_code == 403
    assert browser.session.get("_auth_user_id") is None


@pytest.mark.parametrize("path", ["/", "/customers/", "/staff/", "/accounts/password/"])
def test_authenticated_pages_are_not_stored_by_browsers_or_proxies(client, rep, path):
    client.force_login(rep)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_authenticated_customer_page_is_not_stored(client, rep):
    client.force_login(rep)
    customer = Customer.objects.create(name="Stored?", phone="13900003333", owner=rep)
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("as_user", [False, True], ids=["anonymous", "logged-in"])
def test_pages_carry_a_content_security_policy_without_plugins_or_base_rewrites(client, rep, as_user):
    if as_user:
        client.force_login(rep)
    response = client.get("/" if as_user else LOGIN)
    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


def test_every_script_is_allowed_by_the_policy(client, rep):
    """Scripts load from our origin; an inline script must carry a nonce the header announces."""
    client.force_login(rep)
    response = client.get("/")
    script_src = csp_directives(response)["script-src"]
    assert "'self'" in script_src
    nonces = {value[len("'nonce-") : -1] for value in script_src if value.startswith("'nonce-")}
    tags = re.findall(r"<script\b[^>]*>", response.text)
    assert tags
    for tag in tags:
        src = re.search(r'\bsrc="([^"]+)"', tag)
        if src:
            assert src.group(1).startswith("/"), tag  # same origin
        else:
            nonce = re.search(r'\bnonce="([^"]+)"', tag)
            assert nonce and nonce.group(1) in nonces, tag


def test_pages_refuse_framing_and_sniffing(client, rep):
    client.force_login(rep)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
