"""A referral rewarded with a gift by rule: the benefit granted free (no points, stock taken) exactly once, taken
back on 退房 while unfulfilled; points when the gift cannot be given."""

import pytest
from django.db import IntegrityError, transaction

from members import services
from members.models import Benefit, LedgerEntry, MemberSettings, Redemption, Referral
from sales.services import deals as deal_services
from tests.members.test_referrals import contract, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift():
    benefit = Benefit.objects.create(
        name="Fee voucher", name_zh="物业费抵用券", kind="fee_voucher", points_price=3000, stock=2
    )
    MemberSettings.objects.create(referral_reward=MemberSettings.ReferralReward.GIFT, referral_gift=benefit)
    return benefit


def test_the_gift_is_granted_free_exactly_once(member, gift, project_a, django_capture_on_commit_callbacks):
    referral = refer(member)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    referral.refresh_from_db()
    granted = Redemption.objects.get(referral=referral)
    assert (granted.member_id, granted.benefit_id, granted.points) == (member.pk, gift.pk, 0)
    assert referral.status == Referral.Status.REWARDED and referral.points == 0
    assert "物业费抵用券" in referral.decision or "Fee voucher" in referral.decision
    gift.refresh_from_db()
    member.refresh_from_db()
    assert (gift.stock, member.balance) == (1, 0)
    assert not member.entries.filter(rule=LedgerEntry.Rule.REFERRAL).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_reward(deal=deal)  # a retried task
        contract(referral.referred, project_a, number="HT-2")
    assert Redemption.objects.filter(member=member).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.create(member=member, benefit=gift, points=0, referral=referral)


def test_a_cancelled_contract_takes_the_unfulfilled_gift_back(
    member, gift, project_a, django_capture_on_commit_callbacks
):
    referral = refer(member)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_cancel(deal=deal, reason="退房", by=deal.owner)
    referral.refresh_from_db()
    gift.refresh_from_db()
    assert referral.status == Referral.Status.REVERSED
    assert Redemption.objects.get(referral=referral).status == Redemption.Status.CANCELLED
    assert gift.stock == 2


def test_points_instead_when_the_gift_is_out_of_stock(member, gift, project_a, django_capture_on_commit_callbacks):
    Benefit.objects.filter(pk=gift.pk).update(stock=0)
    referral = refer(member)
    with django_capture_on_commit_callbacks(execute=True):
        contract(referral.referred, project_a)
    referral.refresh_from_db()
    member.refresh_from_db()
    assert not Redemption.objects.filter(referral=referral).exists()
    assert referral.points == member.balance == MemberSettings.current().referral_points
    assert "points instead" in referral.decision
