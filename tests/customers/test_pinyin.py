"""Pinyin-insensitive name search: name_pinyin kept by every writer (save, bulk import, bench data, the backfill
migration), and the list's search finding 刘伟 as "liuwei", "liu wei", "wei" or "lw" within the viewer's scope."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from crm_site.models import AuditEntry
from customers import benchdata, selectors, services
from customers.models import Customer
from customers.pinyin import name_pinyin
from tests.factories import CustomerFactory


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("刘伟", "liuwei lw"),
        ("欧阳娜娜", "ouyangnana oynn"),
        ("吕秀英", "lvxiuying lxy"),  # ü typed as v, as on a pinyin keyboard
        ("曾志伟", "zengzhiwei zzw"),  # a surname's reading, not the character's everyday "ceng"
        ("单田芳", "shantianfang stf"),
        (" 陈静 ", "chenjing cj"),
        ("王Tony", "wangtony wt"),
        ("李·明", "liming lm"),
        ("Zhang Wei", ""),  # no Chinese: the name itself is searched
        ("", ""),
    ],
)
def test_name_pinyin_is_toneless_pinyin_then_the_initials(name, expected):
    assert name_pinyin(name) == expected


def test_a_very_long_name_fits_the_column():
    assert len(name_pinyin("长" * 100)) <= Customer._meta.get_field("name_pinyin").max_length


def test_create_and_update_keep_the_pinyin_and_leave_it_out_of_the_audit(rep):
    customer = services.customer_create(by=rep, name="刘伟", phone="13812345678")
    assert Customer.objects.get(pk=customer.pk).name_pinyin == "liuwei lw"
    services.customer_update(customer=customer, by=rep, name="曾志伟")
    assert Customer.objects.get(pk=customer.pk).name_pinyin == "zengzhiwei zzw"
    entries = AuditEntry.objects.filter(model="customers.customer", object_id=str(customer.pk))
    assert any(entry.changes.get("name") == ["刘伟", "曾志伟"] for entry in entries)
    assert not any("name_pinyin" in entry.changes for entry in entries)


def test_saving_only_the_name_saves_its_pinyin_too(rep):
    customer = CustomerFactory(owner=rep, name="刘伟")
    customer.name = "陈静"
    customer.save(update_fields=["name"])
    assert Customer.objects.get(pk=customer.pk).name_pinyin == "chenjing cj"


def test_bench_rows_carry_the_pinyin_of_their_name():
    row = dict(zip(benchdata.CUSTOMER_COLUMNS, next(benchdata.customer_rows(1, 1, [(1, None)], [1])), strict=True))
    assert row["name_pinyin"] == name_pinyin(row["name"]) != ""


def test_the_backfill_migration_fills_every_existing_file_chunk_by_chunk(rep, monkeypatch):
    migration = importlib.import_module("customers.migrations.0008_name_pinyin_backfill")
    monkeypatch.setattr(migration, "CHUNK", 2)
    names = ["刘伟", "Emma Li", "欧阳娜娜", "曾志伟", "陈静"]
    for name in names:
        CustomerFactory(owner=rep, name=name)
    Customer.objects.update(name_pinyin="")  # as the rows were before the migration
    Customer.objects.filter(name="陈静").update(name_pinyin="stale")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    assert dict(Customer.objects.values_list("name", "name_pinyin")) == {name: name_pinyin(name) for name in names}


# --- search ----------------------------------------------------------------------------------------------------


@pytest.fixture
def named(org):
    files = {
        name: CustomerFactory(owner=org["rep"], name=name)
        for name in ("刘伟", "曾志伟", "李文", "欧阳娜娜", "Emma Liu", "陈静")
    }
    files["theirs"] = CustomerFactory(owner=org["other_rep"], name="刘伟")
    return files


def searched(client, user, query):
    client.force_login(user)
    response = client.get(reverse("customers:customer-list"), {"q": query})
    assert response.status_code == 200
    return {customer.name for customer in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("liuwei", {"刘伟"}),
        ("Liu Wei", {"刘伟"}),
        ("LIUWEI", {"刘伟"}),
        ("zengzhi", {"曾志伟"}),
        ("wei", {"刘伟", "曾志伟"}),
        ("liu", {"刘伟", "Emma Liu"}),  # the name itself still matches
        ("lw", {"刘伟", "李文"}),  # initials
        ("zzw", {"曾志伟"}),
        # Two letters: a prefix of the name, its pinyin or its initials (indexed; pg_trgm has no trigram for them),
        # so a later word of a Latin name is not found by two letters: "liu" finds Emma Liu.
        ("li", {"李文", "刘伟"}),
        ("Em", {"Emma Liu"}),
        ("oyn", {"欧阳娜娜"}),
        ("刘伟", {"刘伟"}),
        ("chen jing x", set()),
    ],
)
def test_pinyin_search_finds_chinese_names_within_the_scope(client, rep, named, query, expected):
    assert searched(client, rep, query) == expected


def test_pinyin_search_shows_another_reps_file_only_to_who_may_see_it(client, rep, executive, named):
    client.force_login(executive)
    response = client.get(reverse("customers:customer-list"), {"q": "liuwei"})
    assert {customer.pk for customer in response.context["page"].object_list} == {
        named["刘伟"].pk,
        named["theirs"].pk,
    }
    client.force_login(rep)
    response = client.get(reverse("customers:customer-list"), {"q": "liuwei"})
    assert [customer.pk for customer in response.context["page"].object_list] == [named["刘伟"].pk]


def test_a_whole_name_in_pinyin_with_many_matches_is_searched_without_an_id_list(client, executive, named, monkeypatch):
    monkeypatch.setattr(selectors.files, "SEARCH_ID_LIMIT", 1)  # the two 刘伟 are more than the id list takes
    client.force_login(executive)
    response = client.get(reverse("customers:customer-list"), {"q": "liuwei"})
    assert response.context["page"].paginator.count == 2
    assert {customer.pk for customer in response.context["page"].object_list} == {
        named["刘伟"].pk,
        named["theirs"].pk,
    }
