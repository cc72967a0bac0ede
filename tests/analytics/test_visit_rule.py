"""Visit-frequency rules: who is due (boundaries in calendar days, the stricter of two rules, only the newest
night), scope per role, the my-day panel, the customer-list filter, the team dashboard column, the settings page
(admins only, audited, bad input refused) in both languages.

The world, night = today; rules: quadrant star 14 days, segment key 21, quadrant troublesome 30, segment keep 45.
rep (Team North):
    a   key, contacted at noon 21 days ago                  → not due (exactly N days)
    a0  key, contacted at 00:00 21 days ago                 → not due (the first instant of day N)
    b   key, contacted 22 days ago                          → due, 1 day overdue
    b9  key, contacted at 23:59 22 days ago                 → due, 1 day overdue
    c   star (quadrant), never contacted                    → due, first
    d   develop (no rule), never contacted                  → never due
    e   keep 46 days ago and star: 14 days is stricter      → due, 46 − 14 = 32 days overdue
    f   keep, contacted 30 days ago                         → not due (45)
    i   key 22 days ago on an older night, basic tonight    → not due (only the newest night counts)
    j   key, contacted today                                → not due
rep2 (Team North): g troublesome, contacted 31 days ago    → due
other_rep (Team South): h key, contacted 100 days ago      → due
Due: rep {c, e, b, b9} in that order (most overdue first); team_lead {b, b9, c, e, g}; south_lead and other_rep
{h}; executive all six.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import CustomerScore, JobRun, VisitRule
from analytics.selectors import visits as selectors
from analytics.selectors.dashboards import dashboard
from crm_site import myday
from crm_site.models import AuditEntry
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = reverse("analytics:visit-rules")
LIST = reverse("customers:customer-list")
RULES = [("quadrant", "star", 14), ("segment", "key", 21), ("quadrant", "troublesome", 30), ("segment", "keep", 45)]


def local(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def ago(days: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return local(timezone.localdate() - datetime.timedelta(days=days), hour, minute)


def scored_run(night):
    now = timezone.now()
    JobRun.objects.create(name="scores", night=night, status=JobRun.Status.SUCCEEDED, started_at=now, finished_at=now)


def score(customer, night, segment="", quadrant=""):
    return CustomerScore.objects.create(
        night=night, customer=customer, owner=customer.owner, team=customer.team, segment=segment, quadrant=quadrant
    )


@pytest.fixture
def world(org):
    today = timezone.localdate()
    older = today - datetime.timedelta(days=1)
    rep, rep2, other_rep = org["rep"], org["other_rep_same_team"], org["other_rep"]
    spec = {  # name: (owner, last contact, segment, quadrant)
        "a": (rep, ago(21), "key", ""),
        "a0": (rep, ago(21, 0, 0), "key", ""),
        "b": (rep, ago(22), "key", ""),
        "b9": (rep, ago(22, 23, 59), "key", ""),
        "c": (rep, None, "develop", "star"),
        "d": (rep, None, "develop", ""),
        "e": (rep, ago(46), "keep", "star"),
        "f": (rep, ago(30), "keep", "dog"),
        "i": (rep, ago(22), "basic", ""),
        "j": (rep, timezone.now(), "key", ""),
        "g": (rep2, ago(31), "basic", "troublesome"),
        "h": (other_rep, ago(100), "key", ""),
    }
    customers = {}
    for name, (owner, contact, segment, quadrant) in spec.items():
        customer = CustomerFactory(owner=owner, name=f"Customer {name}", last_contact_at=contact)
        score(customer, today, segment, quadrant)
        customers[name] = customer
    score(customers["i"], older, "key")  # yesterday it was key: no longer counts
    scored_run(older)
    scored_run(today)
    for kind, value, days in RULES:
        VisitRule.objects.create(kind=kind, value=value, days=days)
    return {**org, **customers}


def names(customers) -> list[str]:
    return [customer.name.removeprefix("Customer ") for customer in customers]


def test_the_customers_due_by_rule_with_day_boundaries(world):
    due = list(selectors.visits_due(user=world["rep"], own=True))
    # c never contacted; e due 32 days ago (star, 14 days, stricter than keep); b and b9 fell due yesterday.
    assert names(due) == ["c", "e", "b", "b9"]
    assert [customer.visit_every for customer in due] == [14, 14, 21, 21]
    assert [selectors.overdue_days(customer) for customer in due] == [None, 32, 1, 1]


def test_scope_a_rep_sees_their_own_a_manager_their_team_an_executive_everyone(world):
    def due_for(user):
        return sorted(names(selectors.visits_due(user=user)))

    assert due_for(world["rep"]) == ["b", "b9", "c", "e"]
    assert due_for(world["team_lead"]) == ["b", "b9", "c", "e", "g"]
    assert due_for(world["south_lead"]) == ["h"]
    assert due_for(world["other_rep"]) == ["h"]
    assert due_for(world["executive"]) == ["b", "b9", "c", "e", "g", "h"]


def test_no_rules_or_no_finished_night_means_nobody_is_due(world):
    VisitRule.objects.update(active=False)
    assert list(selectors.visits_due(user=world["executive"])) == []
    VisitRule.objects.update(active=True)
    JobRun.objects.all().delete()
    assert list(selectors.visits_due(user=world["executive"])) == []


def test_one_query_with_one_join_of_the_scores(world, django_assert_num_queries):
    query = selectors.visits_due(user=world["team_lead"])
    assert str(query.query).count('JOIN "analytics_customerscore"') == 1
    with django_assert_num_queries(3):  # the newest night, the rules, the customers
        assert len(list(selectors.visits_due(user=world["rep"], own=True))) == 4


def test_the_my_day_panel_lists_the_reps_own_due_customers(world, client):
    panel = next(entry for entry in myday.panels(world["rep"]) if entry["panel"].key == "visits_due")
    assert [item.title for item in panel["items"]] == ["Customer c", "Customer e", "Customer b", "Customer b9"]
    assert panel["items"][0].detail == "every 14 days · never contacted"
    assert panel["items"][1].detail == "every 14 days · 32 days overdue"
    assert panel["items"][0].url == world["c"].get_absolute_url()
    assert panel["count"] == 4
    assert panel["link"] == f"{LIST}?visit_due=1"
    client.force_login(world["rep"])
    page = client.get(reverse("my_day")).content.decode()
    assert 'data-panel="visits_due"' in page and f'href="{LIST}?visit_due=1"' in page
    # The other team's rep sees only h; an executive (no customers to contact) gets no such panel.
    other = next(entry for entry in myday.panels(world["other_rep"]) if entry["panel"].key == "visits_due")
    assert [item.title for item in other["items"]] == ["Customer h"]
    assert "visits_due" not in [entry["panel"].key for entry in myday.panels(world["executive"])]


def test_the_panel_is_cut_at_ten_and_counts_them_all(world, org):
    today = timezone.localdate()
    for number in range(12):
        customer = CustomerFactory(owner=org["rep"], name=f"Extra {number:02d}", last_contact_at=ago(60 + number))
        score(customer, today, "key")
    panel = next(entry for entry in myday.panels(world["rep"]) if entry["panel"].key == "visits_due")
    assert len(panel["items"]) == myday.MAX_ITEMS
    assert panel["count"] == 16
    assert panel["items"][1].title == "Extra 11"  # after c (never contacted): contacted 71 days ago


def test_no_panel_without_rules(world):
    VisitRule.objects.all().delete()
    assert "visits_due" not in [entry["panel"].key for entry in myday.panels(world["rep"])]


def test_the_customer_list_filter_counts_the_due_files_in_scope(world, client):
    client.force_login(world["rep"])
    page = client.get(LIST, {"visit_due": "1"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 4
    assert sorted(names(page.context["page"].object_list)) == ["b", "b9", "c", "e"]
    assert "Visit by segment rule" in page.content.decode()
    client.force_login(world["team_lead"])
    assert client.get(LIST, {"visit_due": "1"}).context["page"].paginator.count == 5
    # Combined with the segment filter of the same snapshot: the key customers due.
    assert client.get(LIST, {"visit_due": "1", "segment": "key"}).context["page"].paginator.count == 2
    # An unknown value is ignored, like every list filter.
    assert client.get(LIST, {"visit_due": "yes"}).context["page"].paginator.count == 11  # all of Team North


def test_the_team_dashboard_counts_visits_due_per_rep(world):
    board = dashboard(user=world["team_lead"], kind="team")
    chart = board["charts"]["breakdown"]
    assert chart.columns[-1][0] == "Visits due"
    due = {row[0]: row[-1] for row in chart.rows}
    rep, rep2 = world["rep"], world["other_rep_same_team"]
    assert due == {rep.get_full_name() or rep.username: 4, rep2.get_full_name() or rep2.username: 1}


def test_only_settings_managers_edit_the_rules(world, client):
    for user in (world["rep"], world["team_lead"], world["executive"]):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"segment_key": "7"}).status_code == 403
    assert VisitRule.objects.get(kind="segment", value="key").days == 21


def test_an_admin_saves_the_rules_and_each_change_is_audited(world, client):
    admin = world["admin_user"]
    client.force_login(admin)
    page = client.get(URL)
    assert page.status_code == 200 and b'data-testid="visit-rule-form"' in page.content
    assert page.context["form"].initial["segment_key"] == 21
    response = client.post(
        URL, {"segment_key": "7", "segment_keep": "45", "quadrant_star": "", "quadrant_troublesome": "30",
              "segment_develop": "60"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == URL
    rules = {(rule.kind, rule.value): (rule.days, rule.active) for rule in VisitRule.objects.all()}
    assert rules == {
        ("segment", "key"): (7, True),
        ("segment", "keep"): (45, True),
        ("segment", "develop"): (60, True),
        ("quadrant", "star"): (14, False),
        ("quadrant", "troublesome"): (30, True),
    }
    entries = {
        entry.object_repr: (entry.action, entry.changes)
        for entry in AuditEntry.objects.filter(model="analytics.visitrule", actor=admin)
    }
    assert entries == {
        "segment:key": (AuditEntry.Action.UPDATE, {"days": [21, 7]}),
        "segment:develop": (AuditEntry.Action.CREATE, {"days": 60, "active": True}),
        "quadrant:star": (AuditEntry.Action.UPDATE, {"active": [True, False]}),
    }
    # The new rules apply at once: c (develop, never contacted) is due by the develop rule now, not by star.
    due = {customer.name: customer.visit_every for customer in selectors.visits_due(user=world["rep"], own=True)}
    assert due["Customer c"] == 60 and "Customer d" in due and due["Customer b"] == 7


@pytest.mark.parametrize("bad", ["0", "-3", "100000", "abc", "2.5"])
def test_bad_days_are_refused_and_nothing_is_saved(world, client, bad):
    client.force_login(world["admin_user"])
    response = client.post(URL, {"segment_key": bad, "segment_keep": "10"})
    assert response.status_code == 200
    assert "segment_key" in response.context["form"].errors
    assert VisitRule.objects.get(kind="segment", value="key").days == 21
    assert VisitRule.objects.get(kind="segment", value="keep").days == 45
    assert not AuditEntry.objects.filter(model="analytics.visitrule").exists()


def test_the_service_refuses_what_the_form_would(world):
    from django.core.exceptions import ValidationError

    from analytics.services.visits import visit_rules_save

    for bad in (0, -1, 366, "7", True):
        with pytest.raises(ValidationError):
            visit_rules_save(days={("segment", "key"): bad}, by=world["admin_user"])
    with pytest.raises(ValidationError):
        visit_rules_save(days={("segment", "platinum"): 7}, by=world["admin_user"])
    assert VisitRule.objects.get(kind="segment", value="key").days == 21


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Visit rules", "Key: grow", "Save visit rules", "Due for a visit by segment", "See all"]),
        ("zh-hans", ["拜访规则", "保存拜访规则", "按细分应拜访", "查看全部"]),
    ],
)
def test_the_pages_render_in_both_languages(world, client, language, texts):
    client.cookies["django_language"] = language
    client.force_login(world["admin_user"])
    settings_page = client.get(URL).content.decode()
    client.force_login(world["rep"])
    my_day = client.get(reverse("my_day")).content.decode()
    listed = client.get(LIST, {"visit_due": "1"}).content.decode()
    shown = settings_page + my_day + listed
    for text in texts:
        assert text in shown, text
    if language == "zh-hans":
        assert "每 14 天 · 从未联系" in my_day
