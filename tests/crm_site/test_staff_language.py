"""Each staff member's language: stored on their profile by the language switcher and the "My profile" page,
applied when they log in, edited in the admin, and answered by crm_site.languages.staff_language."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm_site.languages import staff_language, staff_language_set
from crm_site.models import StaffProfile
from tests.crm_site.test_audit import admin_change_form_data
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
COOKIE = django_settings.LANGUAGE_COOKIE_NAME


def stored(user) -> str:
    return StaffProfile.objects.get(user=user).language


def choose(user, language):
    StaffProfile.objects.filter(user=user).update(language=language)


def test_the_language_of_a_staff_member_is_theirs_or_the_sites(rep, other_rep, settings):
    choose(rep, "zh-hans")
    assert staff_language(User.objects.select_related("staff").get(pk=rep.pk)) == "zh-hans"
    assert staff_language(User.objects.get(pk=other_rep.pk)) == "en"  # none chosen: the site's
    settings.LANGUAGE_CODE = "zh-hans"
    assert staff_language(User.objects.get(pk=other_rep.pk)) == "zh-hans"
    # A value no longer offered (a language removed from LANGUAGES) falls back to the site's too.
    choose(other_rep, "fr")
    assert staff_language(User.objects.get(pk=other_rep.pk)) == "zh-hans"


def test_storing_a_language_not_offered_is_refused_with_a_message(rep):
    with pytest.raises(ValidationError) as refused:
        staff_language_set(user=rep, language="fr")
    assert refused.value.message_dict == {"language": ["Choose one of the languages offered: en, zh-hans."]}
    assert stored(rep) == ""
    staff_language_set(user=rep, language="zh-hans")
    assert stored(rep) == "zh-hans" and rep.staff.language == "zh-hans"  # the user object in hand sees it too


def test_switching_language_while_signed_in_stores_it_and_keeps_the_cookie(client, rep):
    client.force_login(rep)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert response.cookies[COOKIE].value == "zh-hans"
    assert stored(rep) == "zh-hans"
    assert "我的一天" in client.get("/").text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert stored(rep) == "en"


def test_switching_language_stores_only_an_offered_language_and_only_for_a_signed_in_user(client, rep):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})  # on the login page
    assert stored(rep) == ""
    client.force_login(rep)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})  # Django knows French, the CRM does not offer it
    client.get("/i18n/setlang/?language=zh-hans&next=/")  # a GET changes nothing
    assert stored(rep) == ""


def test_an_outside_user_may_switch_and_keeps_the_choice(client, db):
    agent = UserFactory(username="partner_agent", role="partner")
    client.force_login(agent)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert stored(agent) == "zh-hans"


def login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_logging_in_applies_the_stored_language(rep):
    choose(rep, "zh-hans")
    client = Client()
    # This browser chose English on the login page; the account's own language wins once they log in.
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = login(client, "rep")
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"
    page = client.get("/").text
    assert 'lang="zh-hans"' in page and "我的一天" in page
    # Logged out, the login page stays in their language.
    client.post("/accounts/logout/")
    assert 'lang="zh-hans"' in client.get("/accounts/login/").text


def test_logging_in_without_a_stored_language_leaves_the_browsers_choice(other_rep):
    client = Client()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    response = login(client, "other_rep")
    assert response.status_code == 302
    assert COOKIE not in response.cookies  # nothing written: the cookie chosen before stays
    assert 'lang="zh-hans"' in client.get("/").text
    assert stored(other_rep) == ""


def test_my_profile_sets_the_language_and_refuses_a_bad_value(client, rep):
    client.force_login(rep)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200 and 'name="language"' in page.text
    # Each language by its own name, as the switcher shows it, whatever the page's language.
    assert 'lang="zh-hans">简体中文</option>' in page.text and 'lang="en">English</option>' in page.text
    response = client.post("/accounts/profile/", {"language": "xx"})
    assert response.status_code == 422
    assert "Select a valid choice. xx is not one of the available choices." in response.text
    assert stored(rep) == ""
    response = client.post("/accounts/profile/", {"language": "zh-hans"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "zh-hans"
    assert stored(rep) == "zh-hans"
    assert "您的语言已保存" in client.get("/accounts/profile/").text
    # Empty: back to the site's language.
    response = client.post("/accounts/profile/", {"language": ""})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    assert stored(rep) == ""


def test_the_staff_directory_shows_the_language(client, org):
    choose(org["rep"], "zh-hans")
    client.force_login(org["admin_user"])
    page = client.get(f"/staff/{org['rep'].pk}/").text
    assert "Simplified Chinese" in page
    assert "The site's language" in client.get(f"/staff/{org['other_rep'].pk}/").text


def test_the_admin_edits_a_staff_members_language_and_refuses_a_bad_value(client, org):
    superuser = User.objects.create_superuser("root", "root@example.com", "x")
    rep = org["rep"]
    client.force_login(superuser)
    page = client.get(f"/admin/auth/user/{rep.pk}/change/")
    data = admin_change_form_data(page)
    key = next(key for key in data if key.endswith("-language"))
    data[key] = "klingon"
    response = client.post(f"/admin/auth/user/{rep.pk}/change/", data)
    assert response.status_code == 200
    assert "Select a valid choice. klingon is not one of the available choices." in response.text
    assert stored(rep) == ""
    data[key] = "zh-hans"
    response = client.post(f"/admin/auth/user/{rep.pk}/change/", data)
    assert response.status_code == 302
    assert stored(rep) == "zh-hans"


def test_an_outside_user_sets_their_language_on_their_profile_page(client, db):
    agent = UserFactory(username="partner_agent", role="partner")
    client.force_login(agent)
    assert client.get("/accounts/profile/").status_code == 200
    response = client.post("/accounts/profile/", {"language": "zh-hans"})
    assert response.status_code == 302
    assert stored(agent) == "zh-hans"


def test_a_stored_language_costs_no_query_on_later_pages(client, rep, other_rep):
    """The language is read at login only; afterwards the cookie carries it, so a page costs what it did."""
    choose(rep, "zh-hans")
    counts = {}
    for user in (rep, other_rep):
        client.force_login(user)
        client.get("/accounts/profile/")  # warm the caches (permissions, roles)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/accounts/profile/").status_code == 200
        counts[user.username] = len(queries)
    assert counts["rep"] == counts["other_rep"]
