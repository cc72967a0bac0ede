"""Ownership moves the whole relationship: whatever path gives a customer a new owner (hand-over of all or some
files, pool claim, bulk assignment, a conflict decided as "reassign", key-account assignment, merge), the new
owner gets every OPEN sales record of the customer and the old owner keeps none; closed history (won and lost
opportunities, delivered and cancelled deals, payments received, kept promises, stage changes) stays attributed
to whoever did the work."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from crm_site.models import AuditEntry
from customers import services
from customers.models import Customer, CustomerConflict
from customers.signals import customer_owner_changed
from sales.models import Deal, Installment, Lease, Opportunity, Payment, Promise, StageChange
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, LeaseFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
Stage = Opportunity.Stage
REASON = "rep leaves the company"


@pytest.fixture
def cast(org):
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


@dataclass
class Relationship:
    """Everything sales holds about one customer: open work and closed history."""

    customer: Customer
    open_opportunity: Opportunity
    contract_deal: Deal
    unpaid_line: Installment
    paid_line: Installment
    payment: Payment
    lease: Lease
    rent_line: Installment
    open_promise: Promise
    won_opportunity: Opportunity
    delivered_deal: Deal
    lost_opportunity: Opportunity
    cancelled_deal: Deal
    kept_promise: Promise

    def open_records(self):
        return [
            self.open_opportunity,
            self.contract_deal.opportunity,
            self.contract_deal,
            self.unpaid_line,
            self.lease,
            self.rent_line,
            self.open_promise,
        ]

    def history(self):
        return [
            self.won_opportunity,
            self.delivered_deal,
            self.lost_opportunity,
            self.cancelled_deal,
            self.cancelled_deal.opportunity,
            self.paid_line,
            self.payment,
            self.kept_promise,
        ]


def _line(deal=None, lease=None, *, amount, received, owner, kind=Installment.Kind.INSTALLMENT):
    project = (deal or lease).project
    return Installment.objects.create(
        deal=deal,
        lease=lease,
        project=project,
        owner=owner,
        kind=kind,
        due_on=timezone.localdate(),
        amount=Decimal(amount),
        received=Decimal(received),
    )


def relationship(owner, project, **customer_fields) -> Relationship:
    """A customer of `owner` with open and closed records of every kind, all done by `owner`."""
    customer = CustomerFactory(owner=owner, team=owner.staff.team, **customer_fields)
    open_opportunity = OpportunityFactory(customer=customer, project=project, owner=owner, stage=Stage.INTENDING)
    contract = DealFactory(
        opportunity__customer=customer,
        opportunity__project=project,
        opportunity__owner=owner,
        opportunity__stage=Stage.CONTRACT,
        stage=Deal.Stage.CONTRACT,
        price=Decimal("2000000.00"),
    )
    unpaid = _line(contract, amount="1000000.00", received="400000.00", owner=owner)
    paid = _line(contract, amount="1000000.00", received="1000000.00", owner=owner)
    payment = Payment.objects.create(
        installment=paid,
        project=project,
        owner=owner,
        amount=Decimal("1000000.00"),
        received_on=timezone.localdate(),
        by=owner,
    )
    lease = LeaseFactory(tenant=customer, unit__building__project=project)
    rent = _line(lease=lease, amount="8000.00", received="0", owner=owner, kind=Installment.Kind.RENT)
    open_promise = Promise.objects.create(
        customer=customer, deal=contract, project=project, promised_by=owner, content="Parking space B2-17"
    )
    delivered = DealFactory(
        opportunity__customer=customer,
        opportunity__project=project,
        opportunity__owner=owner,
        opportunity__stage=Stage.WON,
        stage=Deal.Stage.CONTRACT,
        state=Deal.State.DELIVERED,
        price=Decimal("1800000.00"),
    )
    lost = OpportunityFactory(customer=customer, project=project, owner=owner, stage=Stage.LOST)
    cancelled = DealFactory(
        opportunity__customer=customer,
        opportunity__project=project,
        opportunity__owner=owner,
        opportunity__stage=Stage.LOST,
        state=Deal.State.CANCELLED,
    )
    kept = Promise.objects.create(
        customer=customer,
        project=project,
        promised_by=owner,
        content="Floor heating",
        status=Promise.Status.KEPT,
        closed_by=owner,
    )
    return Relationship(
        customer,
        open_opportunity,
        contract,
        unpaid,
        paid,
        payment,
        lease,
        rent,
        open_promise,
        delivered.opportunity,
        delivered,
        lost,
        cancelled,
        kept,
    )


def fresh(row):
    return type(row).objects.get(pk=row.pk)


def assert_moved(rel: Relationship, *, old, new):
    """The invariant: the new owner owns and sees every open record, the old owner owns none of them, and
    closed history still belongs to whoever did it."""
    for row in rel.open_records():
        assert fresh(row).owner_id == new.pk, row
        assert type(row).objects.visible_to(new).filter(pk=row.pk).exists(), row
    assert not Opportunity.objects.open().filter(customer=rel.customer, owner=old).exists()
    assert not Deal.objects.live().filter(customer=rel.customer, owner=old).exists()
    assert not Lease.objects.filter(tenant=rel.customer, state=Lease.State.LIVE, owner=old).exists()
    assert not Promise.objects.open().filter(customer=rel.customer, owner=old).exists()
    lines = Installment.objects.outstanding().filter(owner=old)
    assert not lines.filter(deal__customer=rel.customer, deal__state=Deal.State.LIVE).exists()
    assert not lines.filter(lease__tenant=rel.customer, lease__state=Lease.State.LIVE).exists()
    for row in rel.history():
        assert fresh(row).owner_id == old.pk, row
    promise = fresh(rel.open_promise)
    assert promise.promised_by_id == old.pk  # the fact stays; only the responsibility moved
    assert fresh(rel.kept_promise).promised_by_id == old.pk
    assert fresh(rel.open_opportunity).team_id == new.staff.team_id
    assert StageChange.objects.filter(opportunity__customer=rel.customer).exclude(by=old).count() == 0


def assert_untouched(rel: Relationship, *, owner):
    for row in [*rel.open_records(), *rel.history()]:
        assert fresh(row).owner_id == owner.pk, row


@pytest.fixture
def old(cast):
    return cast["rep"]


@pytest.fixture
def new(cast):
    return cast["other_rep"]  # another team: the opportunity's team must follow


@pytest.fixture
def manager(cast):
    return cast["director"]


def test_hand_over_of_all_customers_moves_their_open_records_and_keeps_history(old, new, manager, project_a):
    first, second = relationship(old, project_a), relationship(old, project_a)
    services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
    assert_moved(first, old=old, new=new)
    assert_moved(second, old=old, new=new)


def test_hand_over_of_chosen_customers_moves_only_theirs(old, new, manager, project_a):
    chosen, kept = relationship(old, project_a), relationship(old, project_a)
    services.customers_hand_over(
        from_user=old, to_user=new, by=manager, reason=REASON, customer_ids=[chosen.customer.pk]
    )
    assert_moved(chosen, old=old, new=new)
    assert_untouched(kept, owner=old)


def test_a_file_lapsing_to_the_pool_keeps_its_records_and_the_claimant_gets_them(old, new, project_a):
    rel = relationship(old, project_a, level="A", last_contact_at=timezone.now() - datetime.timedelta(days=400))
    Customer.objects.filter(pk=rel.customer.pk).update(owned_since=None, team=new.staff.team)
    # The open records keep the file out of the pool (a live deal): let it lapse by hand, as the job would.
    Customer.objects.filter(pk=rel.customer.pk).update(owner=None)
    assert_untouched(rel, owner=old)
    services.pool_claim(customer_id=rel.customer.pk, by=new)
    assert_moved(rel, old=old, new=new)


def test_bulk_assignment_moves_the_open_records(old, new, manager, project_a):
    rel = relationship(old, project_a)
    services.customers_assign(customers=Customer.objects.filter(pk=rel.customer.pk), to_user=new, by=manager)
    assert_moved(rel, old=old, new=new)


def test_a_conflict_decided_as_reassign_moves_the_open_records(old, new, manager, project_a):
    rel = relationship(old, project_a)
    conflict = services.conflict_record(customer=rel.customer, claimant=new, evidence={"phone": rel.customer.phone})
    services.conflict_resolve(
        conflict=conflict, decision=CustomerConflict.Status.REASSIGNED, by=manager, reason="first visit was hers"
    )
    assert_moved(rel, old=old, new=new)


def test_a_conflict_decided_as_keep_or_share_moves_nothing(old, new, manager, project_a):
    rel = relationship(old, project_a)
    conflict = services.conflict_record(customer=rel.customer, claimant=new, evidence={})
    services.conflict_resolve(conflict=conflict, decision=CustomerConflict.Status.SHARED, by=manager, reason="both")
    assert_untouched(rel, owner=old)


def test_key_account_assignment_moves_the_open_records(old, new, manager, project_a):
    rel = relationship(old, project_a)
    services.key_account_assign(customer=rel.customer, rep=new, by=manager, reason="VIP buyer")
    assert_moved(rel, old=old, new=new)


def test_merging_a_duplicate_moves_its_rows_to_the_kept_file_and_its_open_records_to_its_owner(
    old, new, manager, project_a
):
    duplicate = relationship(old, project_a)
    keep = CustomerFactory(owner=new, team=new.staff.team)
    services.customer_merge(keep=keep, merge=duplicate.customer, by=manager, reason="same person")
    assert not Customer.objects.filter(pk=duplicate.customer.pk).exists()
    for row in [*duplicate.open_records(), *duplicate.history()]:
        customer_field = {Lease: "tenant_id", Installment: None, Payment: None}.get(type(row), "customer_id")
        if customer_field:
            assert getattr(fresh(row), customer_field) == keep.pk, row
    duplicate.customer = keep
    assert_moved(duplicate, old=old, new=new)
    assert StageChange.objects.filter(opportunity__customer=keep).count() >= 5  # history kept, not cascaded away


def test_moves_are_audited_per_table_with_the_reason(old, new, manager, project_a):
    rel = relationship(old, project_a)
    services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
    entries = AuditEntry.objects.filter(reason=REASON, actor=manager)
    by_model = {entry.model: entry for entry in entries}
    for model in ("sales.opportunity", "sales.deal", "sales.lease", "sales.installment", "sales.promise"):
        assert by_model[model].changes == {"owner_id": [old.pk, new.pk]}
    assert entries.filter(model="sales.opportunity", object_id=str(rel.won_opportunity.pk)).count() == 0


def test_the_event_is_sent_once_per_change_with_every_moved_customer(old, new, manager, project_a):
    first, second = CustomerFactory(owner=old), CustomerFactory(owner=old)
    heard = []

    @receiver(customer_owner_changed, weak=False)
    def listen(sender, **kwargs):
        heard.append(kwargs)

    try:
        services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
        services.customers_assign(customers=Customer.objects.filter(pk=first.pk), to_user=new, by=manager)
    finally:
        customer_owner_changed.disconnect(listen)
    assert len(heard) == 1  # the bulk assignment to the same owner moved nothing: no event
    assert heard[0]["moves"] == {first.pk: old.pk, second.pk: old.pk}
    assert (heard[0]["to_user"], heard[0]["by"], heard[0]["reason"]) == (new, manager, REASON)


def test_a_move_costs_a_bounded_number_of_queries_whatever_the_number_of_customers(
    old, new, manager, project_a, django_assert_max_num_queries
):
    rels = [relationship(old, project_a) for _ in range(4)]
    # Per table: one locking read, one UPDATE, one audit insert; plus the customers' own statements.
    with django_assert_max_num_queries(30):
        services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
    for rel in rels:
        assert_moved(rel, old=old, new=new)


def test_after_a_hand_over_the_new_owner_sees_the_records_on_the_pages_and_the_old_one_does_not(
    client, old, new, manager, project_a
):
    rel = relationship(old, project_a)
    services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
    client.force_login(new)
    page = client.get(rel.customer.get_absolute_url()).content.decode()
    assert reverse("sales:deal-detail", args=[rel.contract_deal.pk]) in page
    assert reverse("sales:opportunity-detail", args=[rel.open_opportunity.pk]) in page
    assert client.get(rel.contract_deal.get_absolute_url()).status_code == 200
    assert client.get(rel.open_promise.get_absolute_url()).status_code == 200
    assert client.get(reverse("sales:lease-detail", args=[rel.lease.pk])).status_code == 200
    client.force_login(old)
    assert client.get(rel.contract_deal.get_absolute_url()).status_code == 404
    assert client.get(rel.open_opportunity.get_absolute_url()).status_code == 404
    # History done by the old owner stays theirs.
    assert client.get(rel.delivered_deal.get_absolute_url()).status_code == 200


def test_the_promise_page_names_who_promised_and_who_is_responsible_now(client, old, new, manager, project_a):
    rel = relationship(old, project_a)
    services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
    client.force_login(new)
    page = client.get(rel.open_promise.get_absolute_url()).content.decode()
    assert old.username in page or old.get_full_name() in page
    assert "the customer changed owner" in page
    listed = client.get(reverse("sales:promise-list")).content.decode()
    assert f'data-promise="{rel.open_promise.pk}"' in listed


def test_my_day_lists_due_promises_of_the_responsible_owner(old, new, manager, project_a):
    from sales.selectors.promises import due_soon

    rel = relationship(old, project_a)
    Promise.objects.filter(pk=rel.open_promise.pk).update(due_on=F("created_at__date"))
    services.customers_hand_over(from_user=old, to_user=new, by=manager, reason=REASON)
    assert list(due_soon(user=new)) == [fresh(rel.open_promise)]
    assert list(due_soon(user=old)) == []


def test_the_django_admin_cannot_change_an_owner_behind_the_event(client, admin_user, old, project_a):
    rel = relationship(old, project_a)
    client.force_login(admin_user)
    page = client.get(reverse("admin:customers_customer_change", args=[rel.customer.pk])).content.decode()
    assert 'name="owner"' not in page


def test_the_hand_over_page_says_which_open_records_moved(client, old, new, manager, project_a):
    relationship(old, project_a)
    client.force_login(manager)
    response = client.post(
        reverse("customers:handover"),
        {"from_user": old.pk, "to_user": new.pk, "reason": REASON},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any("1 customers" in message for message in shown)
    moved = next(message for message in shown if message.startswith("Their open records moved"))
    for part in ("2 opportunities", "1 deals", "1 leases", "2 installments", "1 promises"):
        assert part in moved
