"""Callbacks: the queue, recording a call, a low score opening a follow-up ticket; CSAT and NPS arithmetic."""

import datetime

import pytest

from service.models import Callback, Ticket
from service.selectors.dashboard import csat, nps
from service.services import callbacks as services
from service.services.callbacks import add_months


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_contract_callbacks_go_to_the_agent_serving_the_project(contract, agent):
    made = services.callbacks_for_contract(deal=contract)
    assert [callback.months_after for callback in made] == [1, 3, 6]
    assert {callback.assignee for callback in made} == {agent}
    assert services.callbacks_for_contract(deal=contract) == []


def test_a_low_score_opens_a_follow_up_ticket(contract, agent):
    callback = services.callbacks_for_contract(deal=contract)[0]
    callback = services.callback_record(
        callback=callback, by=agent, conversation="Unhappy with the lift", score=2, outcome=Callback.Outcome.ISSUE
    )
    assert callback.follow_up is not None
    assert callback.follow_up.customer == contract.customer and callback.follow_up.priority == Ticket.Priority.HIGH
    good = services.callbacks_for_contract(deal=contract) or list(Callback.objects.filter(done_at__isnull=True))
    fine = services.callback_record(
        callback=good[0], by=agent, conversation="All good", score=5, outcome=Callback.Outcome.SATISFIED
    )
    assert fine.follow_up is None


def test_recording_through_the_page(client, contract, agent):
    callback = services.callbacks_for_contract(deal=contract)[0]
    client.force_login(agent)
    assert client.get("/service/callbacks/").status_code == 200
    response = client.post(
        f"/service/callbacks/{callback.pk}/", {"conversation": "Fine", "score": "4", "outcome": "satisfied"}
    )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.score == 4 and callback.done_by == agent


@pytest.mark.parametrize(
    ("scores", "expected"), [([5, 4, 3, 2, 1], 40.0), ([5, 5, 4, 4], 100.0), ([1, 2], 0.0), ([], None)]
)
def test_csat_is_the_share_of_4_and_5(scores, expected):
    assert csat(scores) == expected


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([10, 9, 8, 7, 6, 0], 0.0), ([10, 10, 10, 9], 100.0), ([0, 6, 7, 10], -25.0), ([9, 9, 8, 3, 2], 0.0)],
)
def test_nps_is_promoters_minus_detractors(scores, expected):
    assert nps(scores) == expected
