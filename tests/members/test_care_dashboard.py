"""Customer care (greetings through outreach, both languages, consent) and the member dashboard (scope, export)."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Member
from members.selectors.care import greetings_due
from outreach.models import Message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 3, 14)


def enrolled(rep, **fields):
    customer = CustomerFactory(owner=rep, **fields)
    return services.member_enrol(customer=customer, by=rep)


def test_birthday_greetings_go_only_to_consenting_members_with_an_address_in_their_language(
    rep, django_capture_on_commit_callbacks
):
    yes = enrolled(
        rep, name="Wang Fang", birth_date=datetime.date(1980, 3, 14), email="wf@example.com", marketing_consent=True
    )
    no_consent = enrolled(rep, birth_date=datetime.date(1985, 3, 14), email="x@example.com", marketing_consent=False)
    enrolled(rep, birth_date=datetime.date(1990, 3, 15), email="y@example.com", marketing_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.greetings_send(day=DAY)
    assert counts == {"sent": 1, "skipped": 1}
    assert [message.to for message in mail.outbox] == [["wf@example.com"]]
    assert "Happy birthday, Wang Fang" in mail.outbox[0].subject or "生日快乐" in mail.outbox[0].subject
    assert "Silver" in mail.outbox[0].body or "银卡" in mail.outbox[0].body
    assert not Message.objects.filter(customer=no_consent.customer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.greetings_send(day=DAY) == {"sent": 1, "skipped": 1}  # the same message, not a second
    assert Message.objects.filter(customer=yes.customer).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [("en", "Happy birthday, Li Lei!", "As a Silver member"), ("zh-hans", "Li Lei，生日快乐！", "作为银卡会员")],
)
def test_the_greeting_in_both_languages(rep, language, subject, body, django_capture_on_commit_callbacks, settings):
    from outreach.services.messages import message_send

    member = enrolled(
        rep, name="Li Lei", birth_date=datetime.date(1980, 3, 14), email="ll@example.com", marketing_consent=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(template="members.birthday", customer=member.customer, language=language)
    assert message.subject == subject
    assert body in message.body


def test_the_greeting_is_on_the_customers_timeline(client, rep, django_capture_on_commit_callbacks):
    member = enrolled(
        rep, name="Zhou", birth_date=DAY.replace(year=1970), email="z@example.com", marketing_consent=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.greetings_send(day=DAY)
    client.force_login(rep)
    page = client.get(member.customer.get_absolute_url()).content.decode()
    assert Message.objects.get(customer=member.customer).subject in page


def test_anniversaries_and_29_february(rep, project_a):
    from decimal import Decimal

    from tests.sales.factories import DealFactory, OpportunityFactory

    leap = enrolled(rep, birth_date=datetime.date(1988, 2, 29))
    buyer = enrolled(rep)
    DealFactory(
        opportunity=OpportunityFactory(customer=buyer.customer, project=project_a),
        stage="contract",
        price=Decimal("1000000"),
        signed_on=datetime.date(2024, 3, 14),
        contract_no="HT-A",
    )
    due = {(g.customer.pk, g.occasion, g.years) for g in greetings_due(day=DAY)}
    assert (buyer.customer.pk, "anniversary", 3) in due
    feb = {(g.customer.pk, g.occasion) for g in greetings_due(day=datetime.date(2027, 2, 28))}
    assert (leap.customer.pk, "birthday") in feb


def test_reps_see_their_own_customers_to_greet_on_my_day(client, rep, other_rep):
    today = timezone.localdate()
    mine = enrolled(rep, name="Mine Today", birth_date=today.replace(year=1980))
    enrolled(other_rep, name="Theirs Today", birth_date=today.replace(year=1981))
    client.force_login(rep)
    page = client.get(reverse("my_day")).content.decode()
    assert mine.customer.name in page
    assert "Theirs Today" not in page


def test_the_dashboard_is_scoped_and_exports_what_it_shows(client, rep, other_rep, executive, org):
    enrolled(rep)
    services.points_earn(member=enrolled(other_rep), amount=1000, reason="x")
    client.force_login(executive)
    response = client.get(reverse("members:dashboard"))
    tables = {table.key: table for table in response.context["tables"]}
    assert tables["tiers"].rows == [["Silver", 2, 1000]]
    assert tables["liability"].rows[0][2] == pytest.approx(10)
    csv_body = b"".join(client.get(reverse("members:dashboard"), {"table": "tiers", "export": "csv"}).streaming_content)
    assert "Silver,2,1000" in csv_body.decode("utf-8-sig")
    xlsx = client.get(reverse("members:dashboard"), {"table": "liability", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(3, 1).value == "1000"
    client.force_login(rep)
    assert client.get(reverse("members:dashboard")).status_code == 403
    client.force_login(org["marketing"])
    assert client.get(reverse("members:dashboard")).status_code == 200
    assert Member.objects.count() == 2


def test_the_referral_report_by_referrer_and_project(client, rep, executive, project_a):
    member = enrolled(rep, name="Referrer Ren")
    services.referral_create(referrer=member.customer, name="A", phone="13911110001", by=rep, project=project_a)
    services.referral_create(referrer=member.customer, name="B", phone="13911110002", by=rep)
    client.force_login(executive)
    tables = {table.key: table for table in client.get(reverse("members:dashboard")).context["tables"]}
    assert tables["referrers"].rows == [["Referrer Ren", 2, 0, 0, 0]]
    assert sorted(tables["referral_projects"].rows) == sorted([["Project A", 1, 0, 0, 0], ["—", 1, 0, 0, 0]])
