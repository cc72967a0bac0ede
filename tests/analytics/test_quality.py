"""Data quality on hand-computed data (contacted within 30 days unless said).

rep (Team North): q1 no phone, no intent, walk-in, never contacted; q2 campaign source without its campaign lead
(vague), contacted 5 days ago; q3 referral with the referrer named, contacted 40 days ago; q4 lost (not counted).
    3 files: phone 2/3, intent 2/3, source 2/3, fresh 1/3 → 66.7, 66.7, 66.7, 33.3 → quality 58.4.
    Within 60 days: fresh 2/3 → quality 66.7.
other_rep (Team South): q5 no intent, campaign source with its lead, contacted yesterday → 100, 0, 100, 100 → 75.0.
A file in the public pool (no owner) is not counted.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.selectors.quality import data_quality
from customers.models import Customer, PurchaseIntent
from sales.models import Campaign, CampaignLead
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = reverse("analytics:quality")


def pct(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture
def files(org):
    rep, other = org["rep"], org["other_rep"]
    now = timezone.now()
    source = Customer.Source
    q1 = CustomerFactory(owner=rep, name="Quality One", phone="", source=source.WALK_IN)
    q2 = CustomerFactory(owner=rep, name="Quality Two", source=source.CAMPAIGN)
    q3 = CustomerFactory(owner=rep, name="Quality Three", source=source.REFERRAL, referrer=q2)
    q4 = CustomerFactory(owner=rep, name="Quality Four", phone="", status=Customer.Status.LOST)
    q5 = CustomerFactory(owner=other, name="Quality Five", source=source.CAMPAIGN)
    CustomerFactory(owner=None, name="Pooled", phone="")
    for customer in (q2, q3):
        PurchaseIntent.objects.create(customer=customer, rooms=3)
    campaign = Campaign.objects.create(name="Expo", starts_on=now.date(), ends_on=now.date(), owner=org["marketing"])
    CampaignLead.objects.create(campaign=campaign, customer=q5, by=org["marketing"])
    for customer, days in ((q2, 5), (q3, 40), (q4, 1), (q5, 1)):
        Customer.objects.filter(pk=customer.pk).update(last_contact_at=now - datetime.timedelta(days=days))
    return {**org, "q1": q1, "q2": q2, "q3": q3, "q5": q5}


def test_completeness_and_freshness_per_rep_and_team(files):
    page = data_quality(user=files["executive"])
    reps = {row[0]: row[1:] for row in page["charts"]["reps"].rows}
    rep_name = files["rep"].get_full_name() or files["rep"].username
    other_name = files["other_rep"].get_full_name() or files["other_rep"].username
    assert reps[rep_name] == ["Team North", 3, pct("66.7"), pct("66.7"), pct("66.7"), pct("33.3"), pct("58.4"),
                              1, 1, 1, 2]  # fmt: skip
    assert reps[other_name] == ["Team South", 1, pct("100.0"), pct("0.0"), pct("100.0"), pct("100.0"),
                                pct("75.0"), 0, 1, 0, 0]  # fmt: skip
    teams = {row[0]: row[1:] for row in page["charts"]["teams"].rows}
    assert teams["Team North"][0] == 3 and teams["Team South"][0] == 1
    assert page["kpis"]["files"] == 4
    longer = data_quality(user=files["executive"], days=60)
    assert {row[0]: row[5:7] for row in longer["charts"]["reps"].rows}[rep_name] == [pct("66.7"), pct("66.7")]
    assert data_quality(user=files["executive"], days=45)["days"] == 30  # not an offered choice: the default


def test_a_manager_sees_their_team_only(files):
    south = data_quality(user=files["south_lead"])
    assert [row[1] for row in south["charts"]["reps"].rows] == ["Team South"]
    north = data_quality(user=files["team_lead"])
    assert north["kpis"]["files"] == 3


def test_a_gap_drills_down_to_the_reps_incomplete_files(files, client):
    client.force_login(files["team_lead"])
    page = client.get(URL)
    assert page.status_code == 200
    link = f"{reverse('customers:customer-list')}?owner={files['rep'].pk}&amp;quality=intent"
    assert link.replace("&amp;", "&") in [row["gaps"][1][1] for row in page.context["page"]["gaps"]]
    listed = client.get(reverse("customers:customer-list"), {"owner": files["rep"].pk, "quality": "intent"})
    content = listed.content.decode()
    assert "Quality One" in content and "Quality Two" not in content and "Quality Three" not in content
    stale = client.get(reverse("customers:customer-list"), {"owner": files["rep"].pk, "quality": "fresh_30"})
    content = stale.content.decode()
    assert "Quality One" in content and "Quality Three" in content and "Quality Two" not in content
    assert "Quality Four" not in content  # lost files are not counted, nor listed
    vague = client.get(reverse("customers:customer-list"), {"quality": "source"}).content.decode()
    assert "Quality Two" in vague and "Quality Five" not in vague  # (Team South is not the team lead's anyway)


def test_export_and_permissions(files, client):
    client.force_login(files["executive"])
    assert client.get(URL, {"export": "teams", "format": "xlsx"}).status_code == 200
    assert client.get(URL, {"days": "abc"}).status_code == 200
    client.force_login(files["rep"])
    assert client.get(URL).status_code == 403
