"""The loyalty trend on the customer page: points per night with a sign and one decimal at most, in either
language ("steady" when it rounds to no change), not the stored slope's three decimals."""

from decimal import Decimal

import pytest
from django.utils import translation

from analytics.models import CustomerScore
from analytics.selectors.scores import loyalty_trend_text
from analytics.services.jobs import job_start

D = Decimal


@pytest.mark.parametrize(
    ("slope", "english", "chinese"),
    [
        (D("1.530"), "+1.5 points per night", "每晚 +1.5 分"),
        (D("-2.000"), "-2 points per night", "每晚 -2 分"),
        (D("1.000"), "+1 point per night", "每晚 +1 分"),
        (D("0.960"), "+1 point per night", "每晚 +1 分"),
        (D("-0.350"), "-0.4 points per night", "每晚 -0.4 分"),
        (D("1234.500"), "+1,234.5 points per night", "每晚 +1,234.5 分"),
        (D("0.000"), "steady", "持平"),
        (D("0.049"), "steady", "持平"),
        (D("-0.040"), "steady", "持平"),
    ],
)
def test_the_trend_reads_as_points_per_night(slope, english, chinese):
    with translation.override("en"):
        assert loyalty_trend_text(slope) == english
    with translation.override("zh-hans"):
        assert loyalty_trend_text(slope) == chinese


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "not_expected"),
    [
        ("en", "Loyalty band held for 1 night; trend: +2.5 points per night.", "per snapshot"),
        ("zh-hans", "忠诚度区间已连续保持 1 晚；趋势：每晚 +2.5 分。", "快照"),
    ],
)
def test_the_customer_page_shows_the_trend_in_the_language(client, world, night, language, expected, not_expected):
    job_start("scores", night)
    CustomerScore.objects.filter(customer=world["c1"], night=night).update(loyalty_slope=D("2.480"))
    client.force_login(world["rep"])
    page = client.get(world["c1"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    trend = html.split('data-testid="loyalty-trend">', 1)[1].split("</span>", 1)[0]
    assert trend == expected
    assert "2.480" not in html and not_expected not in trend
