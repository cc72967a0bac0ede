"""Walk every named URL of the project as every member of the cast (and anonymously).

New views cannot ship unprotected or broken: a GET as anyone answers 200/302/403/404/405, never
500; anonymous users are sent to a login page except on the few public URLs; and a GET never
changes data. Path parameters are filled with real objects (a customer owned by rep, Team North,
staff member rep, ...), so detail pages render for real instead of answering 404.

A parameter is filled from `walk_data` (by URL name, then by parameter name), else with a row
of the model named by the path segment before it ("customers/<int:pk>/…" → Customer), by the
URL name (app:model-action) or by the app. When none fits, the walk fails and names the URL.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from factory.django import DjangoModelFactory

from crm_site.models import ApiToken, ChoiceOption
from customers.models import Customer
from sales.models import (
    Campaign,
    CommissionRule,
    Competitor,
    Deal,
    Installment,
    Partner,
    PartnerRegistration,
    Promise,
    SalesTarget,
)
from tests import factories
from tests.factories import CustomerFactory, CustomFieldFactory, UserFactory
from tests.outreach.factories import walk_rows
from tests.sales import factories as sales_factories

pytestmark = pytest.mark.django_db

ALLOWED_STATUSES = {200, 302, 403, 404, 405}
LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"

# Anonymous users may open these; expected status of a GET.
PUBLIC = {
    "login": {200},
    "healthz": {200},
    # GET redirects back without setting the language (Django's set_language changes state on POST only).
    "set_language": {302, 204, 405},
    "admin:login": {200},
    "api:openapi-json": {200},
    "api:openapi-view": {200},
    "api:api-root": {404},
}
# Customer-facing pages without login (apps mount their public URL modules here: customers, outreach, service).
PUBLIC_PREFIXES = ("/inquire/", "/unsubscribe/", "/my-home/")

CAST = [
    "rep",
    "other_rep_same_team",
    "other_rep",
    "team_lead",
    "south_lead",
    "director",
    "service_agent",
    "service_manager",
    "executive",
    "marketing",
    "admin_user",
    "superuser",
]

# Models legitimately written on a GET: sessions (idle timestamp), the log of unmasked views of
# sensitive fields, and login-throttling records.
WRITTEN_ON_READ = {"sessions.session", "crm_site.accesslog", "axes.accesslog", "axes.accessattempt"}


# --- enumerating the URLs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "customers:customer-detail"
    route: str  # the joined pattern strings: "customers/<int:pk>/edit/"
    kwargs: tuple[str, ...]  # named parameters
    positional: int  # unnamed regex groups (admin history views)


def pattern_params(pattern) -> tuple[tuple[str, ...], int]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters), 0
    regex = pattern.regex
    if regex.groupindex:
        return tuple(regex.groupindex), 0
    return (), regex.groups


def walk_patterns(patterns, namespace=None, inherited=("", (), 0)):
    for entry in patterns:
        kwargs, positional = pattern_params(entry.pattern)
        route = inherited[0] + str(entry.pattern)
        kwargs, positional = inherited[1] + kwargs, inherited[2] + positional
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk_patterns(entry.url_patterns, inner, (route, kwargs, positional))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, route, kwargs, positional)


def all_routes() -> list[Route]:
    seen, routes = set(), []
    for route in walk_patterns(get_resolver().url_patterns):
        if route.name not in seen:
            seen.add(route.name)
            routes.append(route)
    return routes


# --- filling the parameters with real objects -------------------------------------------------------------


def model_of_admin_route(name: str):
    """The model of an admin URL name such as admin:customers_customer_change (longest match wins)."""
    best = None
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, model)
    return best[1] if best else None


def model_named(word: str, app_label: str = ""):
    """The model called `word` (exactly, else ending or containing it), preferring `app_label`."""
    word = word.lower().replace("-", "").replace("_", "")
    if not word:
        return None
    models = apps.get_models()
    for matches in (
        lambda name: name == word,
        lambda name: name.endswith(word),
        lambda name: name.startswith(word),
        lambda name: word in name,
    ):
        candidates = [model for model in models if matches(model._meta.model_name)]
        if candidates:
            candidates.sort(key=lambda model: (model._meta.app_label != app_label, model._meta.model_name))
            return candidates[0]
    return None


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def model_for_param(route: Route, param: str):
    """Whose id `param` is: the path segment before it ("customers/<int:pk>/…" → Customer), else the
    first word of the URL name (app:model-action, STYLE.md), else the app of the namespace."""
    app_label = route.name.split(":")[0] if ":" in route.name else ""
    before = re.split(r"<(?:\w+:)?" + re.escape(param) + r">", route.route)[0].rstrip("/").split("/")[-1]
    action = route.name.rsplit(":", 1)[-1].split("-")[0]
    for word in (singular(before), action, singular(app_label)):
        model = model_named(word, app_label) if word and not word.startswith("<") else None
        if model is not None:
            return model
    return None


def factory_for(model):
    for value in [*vars(factories).values(), *vars(sales_factories).values()]:
        if isinstance(value, type) and issubclass(value, DjangoModelFactory) and value is not DjangoModelFactory:
            if getattr(value._meta, "model", None) is model:
                return value
    return None


def some_pk(model, data):
    """The walk's own object of `model`, else an existing row, else one made by its factory."""
    if model is Customer:
        return data["customer"].pk
    row = model._base_manager.order_by("pk").first()
    if row is None and (factory := factory_for(model)) is not None:
        try:
            with transaction.atomic():
                row = factory()
        except Exception:  # a factory that needs arguments: fall back to a missing id (404)
            row = None
    return row.pk if row is not None else 0


@pytest.fixture
def walk_data(org, project_a):
    customer = CustomerFactory(owner=org["rep"], project=project_a, phone="13900007777")
    customer.name = "Walk Customer (edited)"
    customer.save()  # a second history row, for the admin's history views
    CustomFieldFactory(key="parking", field_type="number")
    ChoiceOption.objects.create(list_name=ChoiceOption.ListName.DISTRICT, value="pudong", label_en="Pudong")
    token, _raw = ApiToken.issue(user=org["rep"], name="walk")
    sales_rows(customer, org["rep"], project_a)
    superuser = UserFactory(username="superuser", is_superuser=True, is_staff=True)
    return {
        "customer": customer,
        "token": token,
        "people": {**{name: org[name] for name in CAST if name in org}, "superuser": superuser},
        "by_param": {
            "customer_id": customer.pk,
            "user_id": org["rep"].pk,
            "team_id": org["north"].pk,
            "project_id": project_a.pk,
            "list_name": ChoiceOption.ListName.DISTRICT,
        },
        "by_route": {
            "staff:staff-detail": {"user_id": org["rep"].pk},
            "staff:team-detail": {"pk": org["north"].pk},
            "customers:customer-detail": {"pk": customer.pk},
            "customers:customer-edit": {"pk": customer.pk},
            "settings:token-revoke": {"pk": token.pk},
            "admin:auth_user_password_change": {"id": org["rep"].pk},
            "admin:app_list": {"app_label": "customers"},
            "admin:view_on_site": {
                "content_type_id": ContentType.objects.get_for_model(Customer).pk,
                "object_id": customer.pk,
            },
            **walk_rows(customer=customer, rep=org["rep"], admin=org["admin_user"]),
            **builder_rows(org["admin_user"]),
        },
    }


def builder_rows(owner) -> dict:
    """A saved report of the report builder with a schedule; returns the walk's `by_route` additions."""
    from analytics.models import ReportSchedule, SavedReport

    report = SavedReport.objects.create(
        name="Walk report", owner=owner, record_type="customers", definition={"columns": ["name"]}
    )
    schedule = ReportSchedule.objects.create(report=report, owner=owner)
    return {
        "analytics:builder-run": {"pk": report.pk},
        "analytics:builder-delete": {"pk": report.pk},
        "analytics:builder-schedule": {"pk": report.pk},
        "analytics:schedule-delete": {"pk": schedule.pk},
        "analytics:dashboard-schedule": {"kind": ReportSchedule.Dashboard.values[0]},
    }


def sales_rows(customer, rep, project):
    """One row of each sales record around the walk's customer, so sales detail pages render for real."""
    today = datetime.date.today()
    deal = sales_factories.DealFactory(
        opportunity__customer=customer,
        opportunity__project=project,
        stage=Deal.Stage.CONTRACT,
        price=Decimal("1950000.00"),
        signed_on=today,
        contract_no="WALK-1",
    )
    Installment.objects.create(
        deal=deal, project=project, owner=rep, kind=Installment.Kind.FULL, due_on=today, amount=deal.price
    )
    Promise.objects.create(customer=customer, project=project, promised_by=rep, content="Parking space B2-17")
    sales_factories.LeaseFactory(tenant=customer, owner=rep, unit__building=deal.unit.building)
    Competitor.objects.create(name="Rival Gardens")
    Campaign.objects.create(name="Spring expo", starts_on=today, ends_on=today, owner=rep)
    partner = Partner.objects.create(name="Sunshine Realty")
    CommissionRule.objects.create(partner=partner)
    PartnerRegistration.objects.create(
        partner=partner,
        project=project,
        customer_name="Walk Lead",
        phone="13900008888",
        registered_at=timezone.now(),
        protected_until=timezone.now() + datetime.timedelta(days=30),
        by=rep,
    )
    SalesTarget.objects.create(
        month=today.replace(day=1), level=SalesTarget.Level.REP, staff=rep, amount=Decimal("1000000"), set_by=rep
    )


def reverse_route(route: Route, data) -> str:
    kwargs = dict(data["by_route"].get(route.name, {}))
    admin_model = model_of_admin_route(route.name) if route.name.startswith("admin:") else None
    for param in route.kwargs:
        if param in kwargs:
            continue
        if param in data["by_param"]:
            kwargs[param] = data["by_param"][param]
            continue
        model = admin_model or model_for_param(route, param)
        if model is None:
            raise AssertionError(f"test_urlwalk cannot fill parameter {param!r} of URL {route.name!r}: extend it")
        kwargs[param] = some_pk(model, data)
    args = []
    if route.positional:
        # django-simple-history's admin view: /<object_id>/history/<history_id>/
        if route.positional != 2 or admin_model is None or not hasattr(admin_model, "history"):
            raise AssertionError(f"test_urlwalk cannot fill the positional parameters of URL {route.name!r}")
        object_pk = some_pk(admin_model, data)
        record = admin_model.history.filter(pk=object_pk).order_by("history_id").first()
        args = [object_pk, record.history_id if record else 0]
    try:
        return reverse(route.name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch as error:
        raise AssertionError(f"test_urlwalk could not reverse {route.name!r} with {kwargs or args}: {error}") from None


def walk_urls(data) -> list[tuple[str, str]]:
    """(name, path) of every named route, each path once."""
    seen, urls = set(), []
    for route in all_routes():
        path = reverse_route(route, data)
        if path not in seen:
            seen.add(path)
            urls.append((route.name, path))
    return urls


def get(client, path):
    try:
        return client.get(path), None
    except Exception as error:  # the test client re-raises view exceptions: a 500 in production
        return None, f"{type(error).__name__}: {error}"


# --- recording writes, to prove GETs change nothing ----------------------------------------------------------------

WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


class WriteRecorder:
    """A database execute wrapper that notes each table written to (except those written on reads)."""

    def __init__(self):
        self.ignored = {
            model._meta.db_table for model in apps.get_models() if model._meta.label_lower in WRITTEN_ON_READ
        }
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE_SQL.match(sql)
        if match and match.group(1) not in self.ignored:
            self.tables.append(match.group(1))
        return execute(sql, params, many, context)


def tables_written_by(action) -> list[str]:
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        action()
    return sorted(set(recorder.tables))


# --- the walk -----------------------------------------------------------------------------------------------------


def test_the_walk_covers_the_pages_api_and_admin(walk_data):
    names = {name for name, _path in walk_urls(walk_data)}
    assert {
        "home",
        "customers:customer-detail",
        "customers:customer-edit",
        "staff:team-detail",
        "settings:token-revoke",
        "api:get_customer",
        "admin:index",
        "admin:customers_customer_change",
    } <= names


@pytest.mark.parametrize("role", CAST)
def test_no_page_fails_for_any_member_of_the_cast(walk_data, role):
    user = walk_data["people"][role]
    client = Client()
    client.force_login(user)
    failures = []
    for name, path in walk_urls(walk_data):
        response, error = get(client, path)
        if error:
            failures.append(f"{name} {path}: raised {error}")
        elif response.status_code not in ALLOWED_STATUSES:
            failures.append(f"{name} {path}: {response.status_code}")
        elif response.status_code == 302 and urlsplit(response["Location"]).path == LOGIN_PATH:
            failures.append(f"{name} {path}: a logged-in {role} was sent to the login page")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


def test_the_walk_renders_real_objects_for_their_owner(walk_data):
    """The parameters point at visible objects: the owner's detail pages answer 200, not 404."""
    client = Client()
    client.force_login(walk_data["people"]["rep"])
    customer = walk_data["customer"]
    for name in ("customers:customer-detail", "customers:customer-edit", "api:get_customer"):
        path = reverse_route(next(route for route in all_routes() if route.name == name), walk_data)
        assert str(customer.pk) in path
        assert client.get(path).status_code == 200, name
    superuser = Client()
    superuser.force_login(walk_data["people"]["superuser"])
    assert superuser.get(f"/admin/customers/customer/{customer.pk}/change/").status_code == 200


def test_anonymous_users_are_sent_to_login_from_every_non_public_page(walk_data):
    client = Client()
    failures = []
    for name, path in walk_urls(walk_data):
        response, error = get(client, path)
        if error:
            failures.append(f"{name} {path}: raised {error}")
            continue
        status = response.status_code
        if name in PUBLIC:
            if status not in PUBLIC[name]:
                failures.append(f"{name} {path}: public URL answered {status}, expected {sorted(PUBLIC[name])}")
            elif status == 302 and urlsplit(response["Location"]).path == LOGIN_PATH:
                failures.append(f"{name} {path}: public URL sent to login")
        elif path.startswith(PUBLIC_PREFIXES):
            if status not in ALLOWED_STATUSES:
                failures.append(f"{name} {path}: public page answered {status}")
        elif name.startswith("api:"):
            for write in (client.post, client.put, client.patch):  # a write-only endpoint must refuse anonymous writes
                if status != 405:
                    break
                status = write(path, data="{}", content_type="application/json").status_code
            if status != 401:
                failures.append(f"{name} {path}: API answered {status} without a token, expected 401")
        elif name.startswith("admin:"):
            # The admin's own views go to the admin login, its model views to the site login (the
            # login-required middleware answers first); its logout view sends anonymous users to the index.
            final = client.get(path, follow=True)
            if status != 302 or final.request["PATH_INFO"] not in (LOGIN_PATH, ADMIN_LOGIN_PATH):
                failures.append(f"{name} {path}: answered {status}, ended at {final.request['PATH_INFO']}")
        elif status != 302 or response["Location"] != f"{LOGIN_PATH}?next={quote(path)}":
            failures.append(f"{name} {path}: answered {status} {response.get('Location', '')}")
    assert not failures, "anonymous:\n" + "\n".join(failures)


def test_the_write_recorder_sees_a_write(walk_data):
    """Negative control: the check below would notice a GET that writes."""
    customer = walk_data["customer"]
    written = tables_written_by(lambda: Customer.objects.filter(pk=customer.pk).update(level="A"))
    assert written == [Customer._meta.db_table]


@pytest.mark.parametrize("role", ["rep", "admin_user", "superuser"])
def test_no_get_writes_to_the_database(walk_data, role):
    client = Client()
    client.force_login(walk_data["people"][role])
    failures = []
    for name, path in walk_urls(walk_data):
        if written := tables_written_by(lambda path=path: get(client, path)):
            failures.append(f"{name} {path}: GET wrote to {', '.join(written)}")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


# --- state-changing views refuse GET --------------------------------------------------------------------------------


def test_token_revoke_rejects_get_and_leaves_the_token_active(walk_data):
    client = Client()
    client.force_login(walk_data["people"]["admin_user"])
    token = walk_data["token"]
    response = client.get(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked is False


def test_token_revoke_by_post_revokes(walk_data):
    client = Client()
    client.force_login(walk_data["people"]["admin_user"])
    token = walk_data["token"]
    response = client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is True


def test_token_revoke_is_forbidden_to_a_rep(walk_data):
    client = Client()
    client.force_login(walk_data["people"]["rep"])
    token = walk_data["token"]
    assert client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked is False


@pytest.mark.parametrize("as_user", [False, True], ids=["anonymous", "logged-in"])
def test_set_language_by_get_changes_nothing(walk_data, settings, as_user):
    client = Client()
    if as_user:
        client.force_login(walk_data["people"]["rep"])
    response = client.get("/i18n/setlang/?language=zh-hans&next=/")
    assert response.status_code in {302, 405}
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_set_language_by_post_sets_the_language_cookie(settings):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_logout_views_reject_get(walk_data):
    client = Client()
    client.force_login(walk_data["people"]["superuser"])
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/admin/logout/").status_code == 405
    assert client.get("/my-day/").status_code == 200  # still logged in


NUL_QUERY = "?q=%00&search=a%00b&page=%00&sort=%00&status=%00&month=%00&project=%00&unit_q=%00"


def test_no_page_fails_on_nul_characters_in_its_query_string(walk_data):
    """PostgreSQL text cannot hold a NUL: every page gets its query parameters without one (CI runs this there)."""
    client = Client()
    client.force_login(walk_data["people"]["admin_user"])
    failures = []
    for name, path in walk_urls(walk_data):
        if path.startswith(("/api/", "/admin/")):
            continue
        response, error = get(client, path + NUL_QUERY)
        if error:
            failures.append(f"{name} {path}: raised {error}")
        elif response.status_code >= 500:
            failures.append(f"{name} {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_query_parameters_reach_pages_without_nul_characters(rf):
    from crm_site.middleware import NulFreeQueryMiddleware

    seen = {}

    def view(request):
        seen.update(request.GET.lists())
        return None

    NulFreeQueryMiddleware(view)(rf.get("/customers/", {"q": "13\x008", "level": ["A", "\x00B"]}))
    assert seen == {"q": ["138"], "level": ["A", "B"]}
