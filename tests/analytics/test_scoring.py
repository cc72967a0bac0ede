"""Each score definition (analytics.scoring) on hand-computed facts, no database."""

from decimal import Decimal

import pandas as pd
import pytest

from analytics import facts, scoring


def frame(**customers) -> pd.DataFrame:
    """Facts for customers named by id: frame(_1={"contracts": 1}) → customer 1; unnamed facts are 0."""
    table = pd.DataFrame(0.0, index=pd.Index([int(key[1:]) for key in customers], name="customer_id"),
                         columns=list(facts.FACTS))  # fmt: skip
    for key, values in customers.items():
        for name, value in values.items():
            table.loc[int(key[1:]), name] = value
    return table


def test_profit_subtracts_refunds_service_rewards_and_campaign_cost():
    facts_ = frame(
        _1={"contracts": 1, "contract_margin": 500_000, "refunds": 20_000, "tickets": 3, "callbacks": 2,
            "points_redeemed": 10_000, "campaign_cost": 1_500, "visits": 4, "promises": 2, "discount_approvals": 1,
            "complaints": 1},
        _2={"contracts": 1, "contract_margin": 100_000, "tickets": 5, "service_cost": 1_000},
    )  # fmt: skip
    out = scoring.profit(facts_)
    # 500,000 − 20,000 = 480,000; service 3 × 200 + 2 × 30 = 660; rewards 10,000 × 0.01 = 100
    assert out.loc[1, "gross_profit"] == 480_000
    assert out.loc[1, "service_cost"] == 660
    assert out.loc[1, "rewards_cost"] == 100
    assert out.loc[1, "net_profit"] == 480_000 - 660 - 100 - 1_500 == 477_740
    assert out.loc[1, "demand"] == 4 + 2 + 1 + 3 + 1 == 11
    # The service app's own cost replaces tickets × unit cost.
    assert out.loc[2, "service_cost"] == 1_000
    assert out.loc[2, "net_profit"] == 99_000


def test_value_parts_and_segments():
    facts_ = frame(
        _1={"contracts": 1, "contract_amount": 3_000_000, "referred_margin": 200_000},
        _2={"open_opportunities": 1, "pipeline_amount": 500_000},
        _3={"intent_budget": 1_000_000},
        _4={"contracts": 1, "contract_amount": 1_000_000},
    )
    gross = pd.Series({1: 480_000.0, 2: 0.0, 3: 0.0, 4: 150_000.0})
    out = scoring.value(facts_, gross)
    assert out.loc[1, "potential_value"] == 0.02 * 3_000_000 == 60_000
    assert out.loc[1, "incremental_value"] == 100_000
    assert out.loc[1, "lifetime_value"] == 640_000
    assert out.loc[1, "segment"] == "key"
    assert out.loc[2, "potential_value"] == 75_000  # 0.15 × 500,000
    assert out.loc[2, "segment"] == "develop"
    assert out.loc[3, "potential_value"] == 7_500  # 0.15 × 1,000,000 × 0.05 (lead weight)
    assert out.loc[3, "segment"] == "basic"
    assert out.loc[4, "potential_value"] == 20_000
    assert out.loc[4, "segment"] == "keep"


def test_loyalty_factors_caps_clip_persistence_and_slope():
    facts_ = frame(
        _1={"contracts": 2, "referrals": 2, "member_tier": 2, "member_active": 1, "satisfaction": 4, "complaints": 1,
            "tenure_days": 730},
        _2={"referrals": 9},
        _3={"complaints": 3},
    )  # fmt: skip
    out = scoring.loyalty(facts_, history={1: [50.0, 65.0, 70.0]})
    assert out.loc[1, "loyalty_factors"] == {
        "repeat_purchases": 15.0,
        "referrals": 20.0,
        "member_tier": 16.0,
        "member_active": 10.0,
        "satisfaction": 24.0,
        "complaints": -8.0,
        "tenure_years": 6.0,
    }
    assert out.loc[1, "loyalty"] == 83
    # high now (83), high at 70 and 65, medium at 50: held for 3 snapshots
    assert out.loc[1, "loyalty_nights"] == 3
    # least-squares slope of 50, 65, 70, 83 over 0..3: 52 / 5
    assert out.loc[1, "loyalty_slope"] == pytest.approx(10.4)
    assert out.loc[2, "loyalty"] == 50  # referrals capped at 5 × 10
    assert out.loc[3, "loyalty"] == 0  # −24 clipped to 0
    assert out.loc[3, "loyalty_slope"] == 0


def test_risk_points_levels_and_reasons():
    facts_ = frame(
        _1={"overdue_installments": 1, "broken_promises": 1, "cancelled_deals": 1},
        _2={"broken_promises": 2},
        _3={"cancelled_deals": 1},
        _4={"open_complaints": 2},
    )
    out = scoring.risk(facts_)
    assert list(out["risk"]) == ["high", "medium", "low", "high"]
    assert out.loc[1, "risk_reasons"] == {"overdue_installments": 1, "broken_promises": 1, "cancelled_deals": 1}
    assert out.loc[3, "risk_reasons"] == {"cancelled_deals": 1}


def test_medians_per_project_among_customers_with_a_contract():
    rows = pd.DataFrame(
        {
            "project_id": [1, 1, 1, 1, 2, 1],
            "contracts": [1, 1, 1, 1, 1, 0],
            "net_profit": [100.0, 200.0, 300.0, 400.0, 50.0, 9_999.0],
            "demand": [0, 1, 2, 3, 7, 9],
        }
    )
    assert scoring.medians(rows) == {1: (250.0, 1.5), 2: (50.0, 7.0)}
    assert scoring.quadrant(True, False) == "star"
    assert scoring.quadrant(True, True) == "troublesome"
    assert scoring.quadrant(False, False) == "chicken_rib"
    assert scoring.quadrant(False, True) == "dog"


def test_weights_and_costs_are_settings(settings):
    settings.ANALYTICS = {"ticket_cost": 500, "loyalty_weights": {"referrals": 1}}
    out = scoring.profit(frame(_1={"tickets": 2}))
    assert out.loc[1, "service_cost"] == 1_000
    assert scoring.loyalty(frame(_1={"referrals": 3})).loc[1, "loyalty"] == 3
    from analytics import definitions

    assert definitions.get("ticket_cost") == Decimal("500")
    assert definitions.get("loyalty_weights")["satisfaction"] == Decimal("6")  # the rest stay default
