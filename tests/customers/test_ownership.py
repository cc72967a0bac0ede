"""Who owns a customer: the phone identity and conflicts (撞单), deciding conflicts, the public pool (公海),
hand-over, key accounts, merging duplicate files and bulk assignment."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm_site.models import AuditEntry
from customers import services
from customers.models import (
    Customer,
    CustomerConflict,
    CustomerMember,
    CustomerPhone,
    CustomerSettings,
    CustomerShare,
    Handover,
    Interaction,
    LevelPolicy,
    PurchaseIntent,
    VisitPlan,
)
from customers.services.ownership import SYSTEM_REASON_LAPSED
from customers.tasks import pool_release_lapsed_task
from tests.factories import CustomerFactory

User = get_user_model()

CONFLICT_LINK = re.compile(r'href="/customers/conflicts/(\d+)/"')
CONFLICT_MESSAGE = "A colleague registered this customer first"


@pytest.fixture
def cast(org):
    """The conftest cast, with each user read again so their staff profile carries the team they were put in."""
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


def customer_of(owner, **kwargs):
    return CustomerFactory(owner=owner, team=owner.staff.team, **kwargs)


def pool_file(team, **kwargs):
    return CustomerFactory(owner=None, team=team, **kwargs)


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def create_form_data(client, **overrides):
    """The new-customer form as the browser posts it: its rendered initial values plus `overrides`."""
    form = client.get(reverse("customers:customer-create")).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value not in (None, "", [], ()):
            data[name] = str(value)
    data.update({"name": "Chen Jing", "source": "walk_in", **overrides})
    return data


def open_followup(customer, staff, due):
    return Interaction.objects.create(
        customer=customer,
        staff=staff,
        channel=Interaction.Channel.PHONE,
        occurred_at=days_ago(1),
        summary="Called about the show flat",
        next_step="Call back",
        next_due=due,
    )


def audit_of(customer):
    """The update entries of `customer` (its creation is audited too, but is not what these tests look at)."""
    return AuditEntry.objects.filter(
        model="customers.customer", object_id=str(customer.pk), action=AuditEntry.Action.UPDATE
    )


# --- identity: one phone number, one file ----------------------------------------------------------------------


def test_create_with_the_primary_phone_of_another_file_raises_duplicate_naming_that_file(cast):
    existing = customer_of(cast["rep"], name="First Receiver", phone="13812345678")
    with pytest.raises(services.DuplicateCustomer) as raised:
        services.customer_create(by=cast["other_rep"], name="Second Try", phone="13812345678")
    assert raised.value.existing == existing
    assert Customer.objects.count() == 1
    assert list(CustomerPhone.objects.values_list("customer_id", flat=True)) == [existing.pk]


def test_create_with_a_secondary_phone_of_another_file_raises_duplicate_naming_that_file(cast):
    existing = customer_of(cast["rep"], name="First Receiver", phone="13812345678")
    services.phone_add(customer=existing, number="13987654321", label="office", by=cast["rep"])
    with pytest.raises(services.DuplicateCustomer) as raised:
        services.customer_create(by=cast["other_rep"], name="Second Try", phone="13987654321")
    assert raised.value.existing == existing
    assert Customer.objects.count() == 1


def test_create_with_a_taken_extra_phone_raises_duplicate_and_writes_nothing(cast):
    existing = customer_of(cast["rep"], name="First Receiver", phone="13812345678")
    with pytest.raises(services.DuplicateCustomer) as raised:
        services.customer_create(
            by=cast["other_rep"], name="Second Try", phone="13700000001", extra_phones=["13812345678"]
        )
    assert raised.value.existing == existing
    assert not CustomerPhone.objects.filter(number="13700000001").exists()
    assert Customer.objects.count() == 1


def test_create_view_with_a_colleagues_phone_records_a_conflict_and_reveals_nothing(client, cast):
    theirs = customer_of(cast["rep"], name="Secret Client", phone="13812345678")
    client.force_login(cast["other_rep"])
    response = client.post(
        reverse("customers:customer-create"),
        create_form_data(client, name="Chen Jing", phone="138 1234 5678"),
        follow=True,
    )
    conflict = CustomerConflict.objects.get()
    # A confirmation page (the claim, what happens next), not an error over the filled form.
    assert response.redirect_chain == [(conflict.get_absolute_url(), 302)]
    assert CONFLICT_MESSAGE in response.text
    assert 'data-testid="claim-sent"' in response.text and "sent to your manager" in response.text
    assert 'data-testid="conflict-comparison"' in response.text and "Chen Jing" in response.text
    assert Customer.objects.count() == 1
    assert conflict.customer == theirs
    assert conflict.claimant == cast["other_rep"]
    assert conflict.owner_at_claim == cast["rep"]
    assert conflict.status == CustomerConflict.Status.OPEN
    assert conflict.evidence["name"] == "Chen Jing"
    assert conflict.evidence["phone"] == "13812345678"
    assert "Secret Client" not in response.text
    assert f"/customers/{theirs.pk}/" not in response.text


@pytest.mark.parametrize("relation", ["own", "shared"])
def test_create_view_with_the_phone_of_a_customer_the_rep_can_see_redirects_to_it_without_a_conflict(
    client, cast, relation
):
    if relation == "own":
        existing = customer_of(cast["other_rep"], name="Known Lead", phone="13812345678")
    else:
        existing = customer_of(cast["rep"], name="Known Lead", phone="13812345678")
        CustomerShare.objects.create(customer=existing, user=cast["other_rep"], created_by=cast["team_lead"])
    client.force_login(cast["other_rep"])
    response = client.post(reverse("customers:customer-create"), create_form_data(client, phone="13812345678"))
    assert response.status_code == 302
    assert response["Location"] == existing.get_absolute_url()
    assert not CustomerConflict.objects.exists()
    assert Customer.objects.count() == 1


def test_a_second_claim_by_the_same_rep_does_not_open_a_second_conflict(client, cast):
    theirs = customer_of(cast["rep"], phone="13812345678")
    client.force_login(cast["other_rep"])
    for name in ("Chen Jing", "Chen Jing (again)"):
        client.post(reverse("customers:customer-create"), create_form_data(client, name=name, phone="13812345678"))
    assert CustomerConflict.objects.filter(customer=theirs, status=CustomerConflict.Status.OPEN).count() == 1
    again = services.conflict_record(customer=theirs, claimant=cast["other_rep"], evidence={"name": "third"})
    assert again == CustomerConflict.objects.get()


def test_claims_of_two_different_reps_open_one_conflict_each(cast):
    theirs = customer_of(cast["other_rep"], phone="13812345678")
    services.conflict_record(customer=theirs, claimant=cast["rep"], evidence={})
    services.conflict_record(customer=theirs, claimant=cast["other_rep_same_team"], evidence={})
    assert CustomerConflict.objects.filter(customer=theirs, status=CustomerConflict.Status.OPEN).count() == 2


# --- the conflict list -----------------------------------------------------------------------------------------


@pytest.fixture
def conflicts(cast):
    """north: other_rep claims a customer of rep; south: rep claims a customer of other_rep."""
    north_file = customer_of(cast["rep"], name="North File", phone="13811110000")
    south_file = customer_of(cast["other_rep"], name="South File", phone="13822220000")
    return {
        "on_rep": services.conflict_record(customer=north_file, claimant=cast["other_rep"], evidence={}),
        "by_rep": services.conflict_record(customer=south_file, claimant=cast["rep"], evidence={}),
    }


def listed_conflicts(client, user):
    client.force_login(user)
    response = client.get(reverse("customers:conflict-list"))
    assert response.status_code == 200
    return {int(pk) for pk in CONFLICT_LINK.findall(response.text)}


def test_conflict_list_shows_a_rep_only_their_own_claims(client, cast, conflicts):
    assert listed_conflicts(client, cast["rep"]) == {conflicts["by_rep"].pk}
    assert listed_conflicts(client, cast["other_rep"]) == {conflicts["on_rep"].pk}
    assert listed_conflicts(client, cast["other_rep_same_team"]) == set()


def test_conflict_list_shows_a_manager_the_conflicts_on_customers_in_their_scope(client, cast, conflicts):
    assert listed_conflicts(client, cast["team_lead"]) == {conflicts["on_rep"].pk}
    assert listed_conflicts(client, cast["south_lead"]) == {conflicts["by_rep"].pk}
    assert listed_conflicts(client, cast["director"]) == {conflicts["on_rep"].pk, conflicts["by_rep"].pk}


def test_conflict_out_of_scope_is_not_found_for_a_manager(client, cast, conflicts):
    client.force_login(cast["team_lead"])
    assert client.get(conflicts["by_rep"].get_absolute_url()).status_code == 404


# --- deciding a conflict ---------------------------------------------------------------------------------------


@pytest.fixture
def conflict(cast):
    """other_rep (south) claims a customer rep (north) registered first."""
    customer = customer_of(cast["rep"], name="Contested", phone="13812345678")
    return services.conflict_record(customer=customer, claimant=cast["other_rep"], evidence={"name": "Contested"})


def test_the_manager_sees_the_claim_beside_the_file_translated(client, cast, conflict):
    conflict.evidence = {"name": "Contested Buyer", "phone": "13812345678", "source": "walk_in", "notes": "came twice"}
    conflict.save()
    client.force_login(cast["team_lead"])
    client.cookies["django_language"] = "zh-hans"
    html = client.get(conflict.get_absolute_url()).text
    table = html[
        html.index('data-testid="conflict-comparison"') : html.index("</table>", html.index("conflict-comparison"))
    ]
    assert "source" not in table and "walk_in" not in table  # field names and choice labels, not keys
    assert "来源渠道" in table and "来访" in table
    assert "Contested Buyer" in table and "Contested" in table  # the claim, then the file
    assert table.count("table-warning") == 2  # the phone and the source are the same on both sides


def test_keep_leaves_the_owner_and_closes_the_conflict(cast, conflict):
    decided = services.conflict_resolve(conflict=conflict, decision="kept", by=cast["team_lead"], reason="first come")
    customer = Customer.objects.get(pk=conflict.customer_id)
    assert customer.owner == cast["rep"]
    assert not CustomerShare.objects.exists()
    assert (decided.status, decided.resolved_by, decided.reason) == ("kept", cast["team_lead"], "first come")
    assert decided.resolved_at is not None


def test_share_makes_the_claimant_a_co_owner_who_now_sees_the_customer(cast, conflict):
    claimant = cast["other_rep"]
    assert not Customer.objects.visible_to(claimant).filter(pk=conflict.customer_id).exists()
    services.conflict_resolve(conflict=conflict, decision="shared", by=cast["team_lead"], reason="both met them")
    share = CustomerShare.objects.get()
    assert (share.customer_id, share.user, share.created_by) == (conflict.customer_id, claimant, cast["team_lead"])
    assert Customer.objects.visible_to(User.objects.get(pk=claimant.pk)).filter(pk=conflict.customer_id).exists()
    customer = Customer.objects.get(pk=conflict.customer_id)
    assert customer.owner == cast["rep"]
    assert customer.team == cast["north"]
    assert CustomerConflict.objects.get().status == "shared"


def test_reassign_moves_owner_and_team_to_the_claimant_with_an_audited_reason(cast, conflict):
    services.conflict_resolve(
        conflict=conflict, decision="reassigned", by=cast["director"], reason="claimant brought the buyer"
    )
    customer = Customer.objects.get(pk=conflict.customer_id)
    assert customer.owner == cast["other_rep"]
    assert customer.team == cast["south"]
    entry = audit_of(customer).get(changes__has_key="conflict")
    assert entry.actor == cast["director"]
    assert entry.reason == "claimant brought the buyer"
    assert entry.changes["conflict"] == ["open", "reassigned"]
    owner_change = audit_of(customer).get(changes__has_key="owner_id")
    assert owner_change.changes["owner_id"] == [cast["rep"].pk, cast["other_rep"].pk]
    assert owner_change.reason == "claimant brought the buyer"


def test_a_conflict_cannot_be_decided_twice(cast, conflict):
    services.conflict_resolve(conflict=conflict, decision="kept", by=cast["team_lead"], reason="first come")
    with pytest.raises(ValidationError):
        services.conflict_resolve(conflict=conflict, decision="reassigned", by=cast["team_lead"], reason="changed mind")
    assert Customer.objects.get(pk=conflict.customer_id).owner == cast["rep"]
    assert CustomerConflict.objects.get().status == "kept"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_without_a_reason_is_refused(cast, conflict, reason):
    with pytest.raises(ValidationError):
        services.conflict_resolve(conflict=conflict, decision="reassigned", by=cast["team_lead"], reason=reason)
    assert CustomerConflict.objects.get().status == "open"
    assert Customer.objects.get(pk=conflict.customer_id).owner == cast["rep"]


def test_manager_decides_a_conflict_on_its_page(client, cast, conflict):
    client.force_login(cast["team_lead"])
    response = client.post(conflict.get_absolute_url(), {"decision": "shared", "reason": "both met them"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:conflict-list")
    assert CustomerConflict.objects.get().status == "shared"
    assert CustomerShare.objects.filter(customer=conflict.customer, user=cast["other_rep"]).exists()


def test_rep_posting_a_decision_gets_an_error_and_nothing_changes(client, cast, conflict):
    client.force_login(cast["other_rep"])  # the claimant may read the conflict, not decide it
    response = client.post(conflict.get_absolute_url(), {"decision": "reassigned", "reason": "mine now"})
    assert response.status_code == 302
    assert "Only a manager can decide an open conflict." in messages_of(response)
    conflict.refresh_from_db()
    assert conflict.status == "open"
    assert conflict.resolved_by is None
    assert Customer.objects.get(pk=conflict.customer_id).owner == cast["rep"]
    assert not CustomerShare.objects.exists()


# --- the nightly release to the public pool --------------------------------------------------------------------


def test_level_a_file_without_contact_for_31_days_goes_to_its_teams_pool(cast):
    lapsed = customer_of(cast["rep"], level="A", last_contact_at=days_ago(31))
    assert services.pool_release_lapsed() == 1
    lapsed.refresh_from_db()
    assert lapsed.owner is None
    assert lapsed.owned_since is None
    assert lapsed.team == cast["north"]


def test_file_never_contacted_lapses_from_when_it_was_owned(cast):
    customer_of(cast["rep"], level="A", owned_since=days_ago(31))
    kept = customer_of(cast["rep"], level="A", owned_since=days_ago(20))
    assert services.pool_release_lapsed() == 1
    assert Customer.objects.get(pk=kept.pk).owner == cast["rep"]


def test_key_accounts_never_lapse(cast):
    key = customer_of(cast["rep"], level="A", last_contact_at=days_ago(400), key_account=True)
    assert services.pool_release_lapsed() == 0
    assert Customer.objects.get(pk=key.pk).owner == cast["rep"]


def test_recently_contacted_file_stays_with_its_owner(cast):
    recent = customer_of(cast["rep"], level="A", last_contact_at=days_ago(29))
    warm = customer_of(cast["rep"], level="B", last_contact_at=days_ago(31))  # B is protected for 45 days
    assert services.pool_release_lapsed() == 0
    assert set(Customer.objects.filter(owner=cast["rep"]).values_list("pk", flat=True)) == {recent.pk, warm.pk}


def test_release_writes_an_audit_entry_with_the_reason(cast):
    lapsed = customer_of(cast["rep"], level="A", last_contact_at=days_ago(31))
    services.pool_release_lapsed()
    entry = audit_of(lapsed).get()
    assert entry.reason == SYSTEM_REASON_LAPSED
    assert entry.changes == {"owner_id": [cast["rep"].pk, None]}
    assert entry.actor is None


def test_running_the_release_twice_changes_nothing_more(cast):
    customer_of(cast["rep"], level="A", last_contact_at=days_ago(31))
    customer_of(cast["rep"], level="A", last_contact_at=days_ago(2))
    assert services.pool_release_lapsed() == 1
    entries = AuditEntry.objects.count()
    assert services.pool_release_lapsed() == 0
    assert AuditEntry.objects.count() == entries
    assert Customer.objects.filter(owner__isnull=True).count() == 1


def test_level_policy_override_changes_when_a_file_lapses(cast):
    customer = customer_of(cast["rep"], level="A", last_contact_at=days_ago(15))
    assert services.pool_release_lapsed() == 0
    LevelPolicy.objects.create(level="A", visit_every_days=3, protection_days=10, warn_days=2)
    assert services.pool_release_lapsed() == 1
    assert Customer.objects.get(pk=customer.pk).owner is None


def test_a_file_claimed_from_the_pool_is_not_released_again_by_the_next_run(cast):
    released = customer_of(cast["rep"], level="A", last_contact_at=days_ago(40))
    services.pool_release_lapsed()
    services.pool_claim(customer_id=released.pk, by=cast["other_rep_same_team"])
    # The new owner has just claimed it: their protection period starts now, not at the old last contact.
    assert services.pool_release_lapsed() == 0
    assert Customer.objects.get(pk=released.pk).owner == cast["other_rep_same_team"]


def test_pool_release_task_runs_eagerly_and_returns_the_count(cast):
    customer_of(cast["rep"], level="A", last_contact_at=days_ago(31))
    customer_of(cast["other_rep"], level="D", last_contact_at=days_ago(91))
    customer_of(cast["rep"], level="A", last_contact_at=days_ago(1))
    assert pool_release_lapsed_task.delay().get() == 2
    assert Customer.objects.filter(owner__isnull=True).count() == 2


# --- claiming from the pool ------------------------------------------------------------------------------------


def test_rep_claims_a_pool_file_of_their_team(client, cast):
    customer = pool_file(cast["north"], level="B")
    client.force_login(cast["rep"])
    response = client.post(reverse("customers:pool-claim", args=[customer.pk]))
    assert response.status_code == 302
    assert response["Location"] == customer.get_absolute_url()
    customer.refresh_from_db()
    assert customer.owner == cast["rep"]
    assert customer.team == cast["north"]
    assert customer.owned_since is not None
    assert audit_of(customer).filter(actor=cast["rep"], reason="claimed from pool").exists()


def test_a_pool_file_without_a_team_is_claimed_into_the_claimants_team(cast):
    customer = pool_file(None)
    services.pool_claim(customer_id=customer.pk, by=cast["other_rep"])
    customer.refresh_from_db()
    assert (customer.owner, customer.team) == (cast["other_rep"], cast["south"])


def test_second_claim_of_the_same_file_fails_with_a_message(client, cast):
    customer = pool_file(cast["north"])
    services.pool_claim(customer_id=customer.pk, by=cast["rep"])
    client.force_login(cast["other_rep_same_team"])
    response = client.post(reverse("customers:pool-claim", args=[customer.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:pool-list")
    assert any("claimed this customer first" in message for message in messages_of(response))
    assert Customer.objects.get(pk=customer.pk).owner == cast["rep"]


def test_rep_of_another_team_cannot_claim_this_teams_pool_file(cast):
    customer = pool_file(cast["north"])
    with pytest.raises(ValidationError):
        services.pool_claim(customer_id=customer.pk, by=cast["other_rep"])
    assert Customer.objects.get(pk=customer.pk).owner is None


def test_hold_limit_stops_claiming(client, cast):
    CustomerSettings.objects.create(hold_limit=1)
    customer_of(cast["rep"])
    customer = pool_file(cast["north"])
    client.force_login(cast["rep"])
    response = client.post(reverse("customers:pool-claim", args=[customer.pk]))
    assert response["Location"] == reverse("customers:pool-list")
    assert any("the most a rep may hold" in message for message in messages_of(response))
    assert Customer.objects.get(pk=customer.pk).owner is None
    services.pool_claim(customer_id=customer.pk, by=cast["other_rep_same_team"])  # a colleague with room may


def test_pool_page_lists_the_teams_pool_files_with_masked_phones_for_a_rep(client, cast):
    north = pool_file(cast["north"], name="North Pool File", phone="13812345678")
    pool_file(cast["south"], name="South Pool File", phone="13987654321")
    customer_of(cast["rep"], name="Owned File", phone="13700001111")
    client.force_login(cast["rep"])
    response = client.get(reverse("customers:pool-list"))
    assert response.status_code == 200
    assert "North Pool File" in response.text
    assert "South Pool File" not in response.text
    assert "Owned File" not in response.text
    assert "138****5678" in response.text
    assert "13812345678" not in response.text
    assert reverse("customers:pool-claim", args=[north.pk]) in response.text


# --- hand-over -------------------------------------------------------------------------------------------------


@pytest.fixture
def book(cast):
    """rep's three customers, each with an open follow-up; one done follow-up; planned and done visits."""
    rep = cast["rep"]
    today = timezone.localdate()
    customers = [customer_of(rep, name=f"Book {n}") for n in range(3)]
    followups = [
        open_followup(customer, rep, today + datetime.timedelta(days=n)) for n, customer in enumerate(customers)
    ]
    done = open_followup(customers[0], rep, today - datetime.timedelta(days=5))
    Interaction.objects.filter(pk=done.pk).update(next_done=True)
    planned = [VisitPlan.objects.create(staff=rep, customer=customer, planned_for=today) for customer in customers]
    past = VisitPlan.objects.create(
        staff=rep, customer=customers[0], planned_for=today - datetime.timedelta(days=3), status=VisitPlan.Status.DONE
    )
    other = customer_of(cast["other_rep"], name="Not Rep's")
    return {
        "customers": customers,
        "followups": followups,
        "done": done,
        "planned": planned,
        "past": past,
        "other": other,
    }


def post_handover(client, manager, **data):
    client.force_login(manager)
    return client.post(reverse("customers:handover"), data)


def test_team_lead_hands_over_all_of_a_reps_customers_with_follow_ups_and_planned_visits(client, cast, book):
    rep, receiver = cast["rep"], cast["other_rep_same_team"]
    response = post_handover(
        client, cast["team_lead"], from_user=rep.pk, to_user=receiver.pk, reason="rep moves to leasing"
    )
    assert response.status_code == 302
    ids = [customer.pk for customer in book["customers"]]
    assert set(Customer.objects.filter(pk__in=ids).values_list("owner_id", "team_id")) == {
        (receiver.pk, cast["north"].pk)
    }
    assert set(
        Interaction.objects.filter(pk__in=[f.pk for f in book["followups"]]).values_list("staff_id", flat=True)
    ) == {receiver.pk}
    assert Interaction.objects.get(pk=book["done"].pk).staff == rep  # history keeps who did it
    assert set(VisitPlan.objects.filter(pk__in=[p.pk for p in book["planned"]]).values_list("staff_id", flat=True)) == {
        receiver.pk
    }
    assert VisitPlan.objects.get(pk=book["past"].pk).staff == rep
    assert Customer.objects.get(pk=book["other"].pk).owner == cast["other_rep"]
    handover = Handover.objects.get()
    assert (handover.from_user, handover.to_user, handover.by) == (rep, receiver, cast["team_lead"])
    assert (handover.customer_count, handover.followup_count) == (3, 3)
    assert handover.reason == "rep moves to leasing"
    for customer_id in ids:
        entry = AuditEntry.objects.get(model="customers.customer", object_id=str(customer_id), action="~")
        assert entry.changes == {"owner_id": [rep.pk, receiver.pk]}
        assert (entry.actor, entry.reason) == (cast["team_lead"], "rep moves to leasing")


def test_hand_over_of_selected_ids_moves_only_those(client, cast, book):
    first, second, third = book["customers"]
    post_handover(
        client,
        cast["team_lead"],
        from_user=cast["rep"].pk,
        to_user=cast["other_rep_same_team"].pk,
        reason="share the load",
        only_ids=f"{first.pk}, {third.pk}",
    )
    owners = dict(Customer.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "owner_id"))
    assert owners == {
        first.pk: cast["other_rep_same_team"].pk,
        second.pk: cast["rep"].pk,
        third.pk: cast["other_rep_same_team"].pk,
    }
    assert Interaction.objects.get(pk=book["followups"][1].pk).staff == cast["rep"]
    assert VisitPlan.objects.get(pk=book["planned"][1].pk).staff == cast["rep"]
    assert Handover.objects.get().customer_count == 2


def test_hand_over_to_a_deactivated_colleague_fails(client, cast, book):
    receiver = cast["other_rep_same_team"]
    User.objects.filter(pk=receiver.pk).update(is_active=False)
    response = post_handover(client, cast["team_lead"], from_user=cast["rep"].pk, to_user=receiver.pk, reason="leaving")
    assert response.status_code == 200
    assert response.context["form"].errors
    with pytest.raises(ValidationError):
        services.customers_hand_over(
            from_user=cast["rep"], to_user=User.objects.get(pk=receiver.pk), by=cast["team_lead"], reason="leaving"
        )
    assert not Handover.objects.exists()
    assert Customer.objects.filter(owner=cast["rep"]).count() == 3


def test_hand_over_from_a_deactivated_rep_leaves_nothing_orphaned(client, cast, book):
    rep = cast["rep"]
    User.objects.filter(pk=rep.pk).update(is_active=False)
    response = post_handover(
        client, cast["team_lead"], from_user=rep.pk, to_user=cast["other_rep_same_team"].pk, reason="left the company"
    )
    assert response.status_code == 302
    assert not Customer.objects.filter(owner=rep).exists()
    assert not Interaction.objects.filter(staff=rep, next_done=False, next_due__isnull=False).exists()
    assert not VisitPlan.objects.filter(staff=rep, status=VisitPlan.Status.PLANNED).exists()
    assert Customer.objects.filter(owner=cast["other_rep_same_team"]).count() == 3


def test_rep_cannot_open_the_hand_over_page(client, cast, book):
    client.force_login(cast["rep"])
    assert client.get(reverse("customers:handover")).status_code == 403
    data = {"from_user": cast["rep"].pk, "to_user": cast["other_rep_same_team"].pk, "reason": "x"}
    assert client.post(reverse("customers:handover"), data).status_code == 403
    assert Customer.objects.filter(owner=cast["rep"]).count() == 3
    assert not Handover.objects.exists()


# --- key accounts ----------------------------------------------------------------------------------------------


def test_key_account_assign_sets_flag_reason_and_owner(client, cast):
    customer = customer_of(cast["rep"], name="Big Buyer")
    client.force_login(cast["team_lead"])
    response = client.post(
        reverse("customers:key-account", args=[customer.pk]),
        {"rep": cast["other_rep_same_team"].pk, "reason": "buys a whole floor"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.key_account is True
    assert customer.key_account_reason == "buys a whole floor"
    assert customer.owner == cast["other_rep_same_team"]
    assert customer.team == cast["north"]


def test_key_account_keeping_the_owner_only_sets_the_flag(cast):
    customer = customer_of(cast["rep"])
    services.key_account_assign(customer=customer, rep=cast["rep"], by=cast["team_lead"], reason="VIP")
    customer.refresh_from_db()
    assert (customer.key_account, customer.key_account_reason, customer.owner) == (True, "VIP", cast["rep"])


def test_key_account_without_a_reason_is_refused(cast):
    customer = customer_of(cast["rep"])
    with pytest.raises(ValidationError):
        services.key_account_assign(customer=customer, rep=cast["rep"], by=cast["team_lead"], reason=" ")
    assert Customer.objects.get(pk=customer.pk).key_account is False


# --- merging duplicate files -----------------------------------------------------------------------------------


def test_manager_merges_a_duplicate_file_by_its_phone(client, cast):
    rep = cast["rep"]
    keep = customer_of(rep, name="Wang Fang", phone="13811112222")
    merge = customer_of(rep, name="Wang Fang (dup)", phone="13933334444", email="wf@example.com")
    services.phone_add(customer=merge, number="13755556666", label="office", by=rep)
    contact = Interaction.objects.create(
        customer=merge, staff=rep, channel="phone", occurred_at=days_ago(2), summary="Asked for prices"
    )
    member = CustomerMember.objects.create(customer=merge, name="Li Qiang", role="spouse")
    intent = PurchaseIntent.objects.create(customer=merge, recorded_by=rep, rooms=3)
    client.force_login(cast["team_lead"])
    response = client.post(
        reverse("customers:customer-merge", args=[keep.pk]),
        {"other_phone": "139 3333 4444", "reason": "same person registered twice"},
    )
    assert response.status_code == 302
    assert response["Location"] == keep.get_absolute_url()
    assert not Customer.objects.filter(pk=merge.pk).exists()
    assert client.get(merge.get_absolute_url()).status_code == 404
    assert Interaction.objects.get(pk=contact.pk).customer_id == keep.pk
    assert CustomerMember.objects.get(pk=member.pk).customer_id == keep.pk
    assert PurchaseIntent.objects.get(pk=intent.pk).customer_id == keep.pk
    assert set(CustomerPhone.objects.filter(customer=keep).values_list("number", flat=True)) == {
        "13811112222",
        "13933334444",
        "13755556666",
    }
    assert list(CustomerPhone.objects.filter(customer=keep, primary=True).values_list("number", flat=True)) == [
        "13811112222"
    ]
    keep.refresh_from_db()
    assert keep.email == "wf@example.com"  # an empty field is filled from the merged file
    entry = audit_of(keep).get(changes__has_key="merged")
    assert entry.reason == "same person registered twice"
    assert entry.actor == cast["team_lead"]


def test_merge_with_a_phone_the_manager_cannot_see_gives_a_form_error(client, cast):
    keep = customer_of(cast["rep"], phone="13811112222")
    hidden = customer_of(cast["other_rep"], phone="13933334444")
    client.force_login(cast["team_lead"])
    response = client.post(
        reverse("customers:customer-merge", args=[keep.pk]), {"other_phone": "13933334444", "reason": "dup"}
    )
    assert response.status_code == 200
    assert "other_phone" in response.context["form"].errors
    assert Customer.objects.filter(pk__in=[keep.pk, hidden.pk]).count() == 2
    assert CustomerPhone.objects.get(number="13933334444").customer_id == hidden.pk


# --- bulk actions ----------------------------------------------------------------------------------------------


def test_manager_bulk_assigns_the_selected_customers(client, cast):
    rep, receiver = cast["rep"], cast["other_rep_same_team"]
    first, second, third = (customer_of(rep, name=f"Bulk {n}") for n in range(3))
    out_of_scope = customer_of(cast["other_rep"])
    client.force_login(cast["team_lead"])
    response = client.post(
        reverse("customers:customer-bulk"),
        {"action": "assign", "owner": receiver.pk, "reason": "rebalance", "ids": [first.pk, third.pk, out_of_scope.pk]},
    )
    assert response.status_code == 302
    assert "Assigned 2 customers." in messages_of(response)
    owners = dict(Customer.objects.values_list("pk", "owner_id"))
    assert owners[first.pk] == owners[third.pk] == receiver.pk
    assert owners[second.pk] == rep.pk
    assert owners[out_of_scope.pk] == cast["other_rep"].pk
    assert audit_of(first).get().reason == "rebalance"


def test_rep_bulk_assign_is_refused_and_nothing_moves(client, cast):
    shared = customer_of(cast["other_rep"], name="Co-owned")
    CustomerShare.objects.create(customer=shared, user=cast["rep"])
    client.force_login(cast["rep"])
    response = client.post(
        reverse("customers:customer-bulk"), {"action": "assign", "owner": cast["rep"].pk, "ids": [shared.pk]}
    )
    assert response.status_code == 302
    assert "Only managers may reassign customers." in messages_of(response)
    assert Customer.objects.get(pk=shared.pk).owner == cast["other_rep"]
    assert not audit_of(shared).exists()


def test_bulk_tag_adds_the_tag_to_the_selected_customers(client, cast):
    tagged = customer_of(cast["rep"], tags=["vip"])
    plain = customer_of(cast["rep"])
    untouched = customer_of(cast["rep"])
    client.force_login(cast["rep"])
    response = client.post(
        reverse("customers:customer-bulk"), {"action": "tag", "tag": "expo-2026", "ids": [tagged.pk, plain.pk]}
    )
    assert response.status_code == 302
    assert "Tagged 2 customers." in messages_of(response)
    assert Customer.objects.get(pk=tagged.pk).tags == ["expo-2026", "vip"]
    assert Customer.objects.get(pk=plain.pk).tags == ["expo-2026"]
    assert Customer.objects.get(pk=untouched.pk).tags == []


@pytest.mark.parametrize("junk", ["abc", "-1", "²"])
def test_bulk_action_with_junk_ids_answers_with_a_message_not_an_error(client, cast, junk):
    customer = customer_of(cast["rep"])
    client.force_login(cast["rep"])
    response = client.post(reverse("customers:customer-bulk"), {"action": "tag", "tag": "x", "ids": [junk]})
    assert response.status_code == 302
    assert "Select at least one customer." in messages_of(response)
    assert Customer.objects.get(pk=customer.pk).tags == []
