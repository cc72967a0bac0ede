"""One character is a common search in China: a surname ("赵"). It is served as a prefix of the name, on an
index PostgreSQL can use for LIKE '赵%' (the pattern operators), with bounded results."""

import pytest
from django.urls import reverse

from customers import selectors
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(rep, other_rep):
    return {
        "zhao_wei": CustomerFactory(owner=rep, name="赵伟"),
        "zhao_li": CustomerFactory(owner=rep, name="赵丽"),
        "li_zhao": CustomerFactory(owner=rep, name="李赵明"),  # 赵 inside, not a surname
        "theirs": CustomerFactory(owner=other_rep, name="赵强"),
        "lin": CustomerFactory(owner=rep, name="Lin Mei"),
        "liu": CustomerFactory(owner=rep, name="liu yang"),
    }


def test_the_customer_list_finds_one_character_as_a_surname_within_scope(client, rep, people):
    client.force_login(rep)
    response = client.get(reverse("customers:customer-list"), {"q": "赵"})
    names = {customer.name for customer in response.context["page"].object_list}
    assert names == {"赵伟", "赵丽"}


def test_one_letter_matches_names_starting_with_it_in_either_case(rep, people):
    found = set(Customer.objects.visible_to(rep).filter(selectors.search_q("l")).values_list("name", flat=True))
    assert found == {"Lin Mei", "liu yang"}


def test_the_global_search_takes_one_chinese_character(client, rep, people):
    client.force_login(rep)
    response = client.get(reverse("search"), {"q": "赵"})
    html = response.content.decode()
    assert response.status_code == 200 and "赵伟" in html and "赵丽" in html
    assert "李赵明" not in html and "赵强" not in html
    assert "Type at least" not in html
    htmx = client.get(reverse("search"), {"q": "赵"}, headers={"HX-Request": "true"})
    assert "赵伟" in htmx.content.decode() and "<html" not in htmx.content.decode()


def test_one_latin_letter_is_still_too_short_for_the_global_search(client, rep, people):
    client.force_login(rep)
    html = client.get(reverse("search"), {"q": "l"}).content.decode()
    assert "Type at least 2 characters" in html and "Lin Mei" not in html


def test_the_prefix_is_a_case_sensitive_like_the_pattern_index_serves(rep):
    sql = str(Customer.objects.filter(selectors.search_q("赵")).query)
    assert "LIKE" in sql and "UPPER" not in sql
    index = next(index for index in Customer._meta.indexes if index.name == "customer_name_prefix_idx")
    assert index.fields == ["name"] and index.opclasses == ["varchar_pattern_ops"]


def test_the_global_search_shows_a_bounded_number_of_hits(client, rep, django_assert_max_num_queries):
    for number in range(15):
        CustomerFactory(owner=rep, name=f"王{number}")
    client.force_login(rep)
    client.get(reverse("search"), {"q": "王"})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("search"), {"q": "王"})
    customers = next(section for section in response.context["results"] if section["title"] == "Customers")
    assert len(customers["hits"]) == 10


def test_a_nul_in_the_global_search_is_dropped(client, rep, people):
    client.force_login(rep)
    response = client.get(reverse("search"), {"q": "赵\x00"})
    assert response.status_code == 200 and "赵伟" in response.content.decode()


def test_two_characters_are_a_prefix_of_the_name_not_a_scan(rep):
    for name in ("赵伟", "赵伟明", "李赵伟", "王丽"):
        CustomerFactory(owner=rep, name=name)
    found = set(Customer.objects.visible_to(rep).filter(selectors.search_q("赵伟")).values_list("name", flat=True))
    assert found == {"赵伟", "赵伟明"}
    sql = str(Customer.objects.filter(selectors.search_q("赵伟")).query)
    assert "LIKE" in sql and "UPPER" not in sql and "%赵伟%" not in sql


def test_two_letters_match_the_pinyin_and_the_initials_through_their_prefix_indexes(rep):
    for name in ("刘伟", "李文", "Lisa Wong", "王丽"):
        CustomerFactory(owner=rep, name=name)
    found = set(Customer.objects.visible_to(rep).filter(selectors.search_q("lw")).values_list("name", flat=True))
    assert found == {"刘伟", "李文"}  # liuwei lw, liwen lw
    found = set(Customer.objects.filter(selectors.search_q("li")).values_list("name", flat=True))
    assert found == {"李文", "刘伟", "Lisa Wong"}  # liwen, liuwei, the name itself
    sql = str(Customer.objects.filter(selectors.search_q("lw")).query)
    assert "%lw" not in sql and "% lw" not in sql  # no infix pattern: every branch is a prefix


def test_the_short_search_indexes_exist_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        assert selectors.search_q("lw")  # SQLite has no pattern operators: the same prefixes, unindexed
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'customers_customer'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"customer_name_prefix_idx", "customer_pinyin_prefix_idx", "customer_initials_prefix_idx"} <= names
