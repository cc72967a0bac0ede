"""The customer pages: create (with the duplicate rules), field validation, list filters, the htmx
partial and the list's query budget."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm_site.models import ChoiceList
from customers.identity import id_check_digit
from customers.models import Customer
from tests.factories import CustomerFactory
from tests.forms import rendered_form_data

User = get_user_model()

CUSTOMER_LINK = re.compile(r'href="/customers/(\d+)/"')
ID_FIRST17 = "44030419900101123"
ID_NUMBER = ID_FIRST17 + id_check_digit(ID_FIRST17)
BAD_CHECK = next(char for char in "0123456789X" if char != id_check_digit(ID_FIRST17))


def fresh(user):
    return User.objects.get(pk=user.pk)


def form_data(client, **overrides):
    """The create form as rendered for the logged-in user, filled in with a valid customer."""
    values = {"name": "Chen Jing", "phone": "138 1234 5678", "level": "B", "status": "prospect"}
    values.update(overrides)
    return rendered_form_data(client.get("/customers/new/"), **values)


def customer_of(owner, **kwargs):
    owner = fresh(owner)
    return CustomerFactory(owner=owner, team=owner.staff.team, **kwargs)


def shown_ids(response):
    return {int(pk) for pk in CUSTOMER_LINK.findall(response.text)}


# Create


def test_rep_creates_a_customer_owned_by_them_in_their_team_with_a_normalised_phone(client, rep, org):
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, phone="+86 138-1234-5678", id_number=ID_NUMBER.lower()))
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert customer.owner == rep
    assert customer.team == org["north"]
    assert customer.phone == "13812345678"
    assert customer.id_number == ID_NUMBER
    assert (customer.name, customer.level, customer.status) == ("Chen Jing", "B", "prospect")
    assert client.get(response["Location"]).status_code == 200


def test_create_form_page_renders_for_a_rep(client, rep):
    client.force_login(rep)
    response = client.get("/customers/new/")
    assert response.status_code == 200
    assert 'name="phone"' in response.text
    assert 'name="owner"' not in response.text  # the owner is the creator, not a form field


def test_create_is_forbidden_without_add_permission(client, org):
    client.force_login(org["marketing"])
    assert client.get("/customers/new/").status_code == 403
    payload = {"kind": "individual", "name": "Chen Jing", "phone": "13812345678", "source": "walk_in", "level": "B"}
    assert client.post("/customers/new/", payload).status_code == 403
    assert not Customer.objects.exists()


def test_posting_an_owner_does_not_assign_the_customer_to_someone_else(client, rep, other_rep):
    client.force_login(rep)
    client.post("/customers/new/", form_data(client, owner=other_rep.pk, team="999"))
    assert Customer.objects.get().owner == rep


def test_existing_phone_of_a_visible_customer_redirects_to_the_existing_file(client, rep):
    existing = customer_of(rep, name="Known Lead", phone="13812345678")
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, name="Same Person", phone="138-1234-5678"))
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{existing.pk}/"
    assert Customer.objects.count() == 1
    assert Customer.objects.get().name == "Known Lead"
    page = client.get(response["Location"])
    assert "already on file" in page.text


def test_existing_phone_of_a_subordinates_customer_redirects_a_team_lead(client, rep, team_lead):
    existing = customer_of(rep, name="Known Lead", phone="13812345678")
    client.force_login(team_lead)
    response = client.post("/customers/new/", form_data(client, phone="+8613812345678"))
    assert response["Location"] == f"/customers/{existing.pk}/"
    assert Customer.objects.count() == 1


def test_existing_id_number_of_a_visible_customer_redirects_to_the_existing_file(client, rep):
    existing = customer_of(rep, name="Known Lead", phone="13812345678", id_number=ID_NUMBER)
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, phone="13987654321", id_number=ID_NUMBER))
    assert response["Location"] == f"/customers/{existing.pk}/"
    assert Customer.objects.count() == 1


def test_phone_of_a_customer_the_rep_cannot_see_confirms_the_claim_without_revealing_it(client, rep, other_rep):
    hidden = customer_of(other_rep, name="Secret Client", phone="13812345678", district="Jing'an")
    client.force_login(rep)
    data = form_data(client, name="Chen Jing", phone="138 1234 5678")
    response = client.post("/customers/new/", data, follow=True)
    assert response.redirect_chain[0][0].startswith("/customers/conflicts/")  # a confirmation page, not a form error
    assert "colleague" in response.text and 'data-testid="claim-sent"' in response.text
    assert Customer.objects.count() == 1
    assert "Secret Client" not in response.text
    assert f"/customers/{hidden.pk}/" not in response.text
    assert other_rep.username not in response.text
    assert other_rep.get_full_name() not in response.text


def test_id_number_of_a_customer_the_rep_cannot_see_confirms_the_claim(client, rep, other_rep):
    customer_of(other_rep, name="Secret Client", phone="13812345678", id_number=ID_NUMBER)
    client.force_login(rep)
    data = form_data(client, phone="13987654321", id_number=ID_NUMBER)
    response = client.post("/customers/new/", data, follow=True)
    assert response.redirect_chain[0][0].startswith("/customers/conflicts/")
    assert 'data-testid="claim-sent"' in response.text
    assert Customer.objects.count() == 1
    assert "Secret Client" not in response.text


@pytest.mark.parametrize("phone", ["12345", "abc", "138-1234-567", "12012345678", ""])
def test_invalid_phone_gives_a_field_error_and_creates_nothing(client, rep, phone):
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, phone=phone))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "id_number",
    [
        ID_FIRST17 + BAD_CHECK,
        "44030419900230123" + id_check_digit("44030419900230123"),
        "4403041990010112",
        "ABCDEFGHIJKLMNOPQR",
    ],
)
def test_invalid_id_number_gives_a_field_error_and_creates_nothing(client, rep, id_number):
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, id_number=id_number))
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_bad_id_checksum_error_says_to_check_for_typos(client, rep):
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, id_number=ID_FIRST17 + BAD_CHECK))
    assert "check digit" in " ".join(response.context["form"].errors["id_number"])


def test_missing_name_gives_a_field_error(client, rep):
    client.force_login(rep)
    response = client.post("/customers/new/", form_data(client, name=""))
    assert "name" in response.context["form"].errors
    assert not Customer.objects.exists()


# Edit


def test_edit_to_the_phone_of_another_customer_gives_a_form_error_and_changes_nothing(client, rep, other_rep):
    mine = customer_of(rep, name="Mine", phone="13812345678")
    customer_of(other_rep, name="Secret Client", phone="13987654321")
    client.force_login(rep)
    page = client.get(f"/customers/{mine.pk}/edit/")
    response = client.post(f"/customers/{mine.pk}/edit/", rendered_form_data(page, phone="13987654321"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Secret Client" not in response.text
    mine.refresh_from_db()
    assert mine.phone == "13812345678"


def test_edit_of_an_out_of_scope_customer_is_404_and_changes_nothing(client, rep, other_rep):
    theirs = customer_of(other_rep, name="Theirs", phone="13812345678")
    client.force_login(rep)
    response = client.post(f"/customers/{theirs.pk}/edit/", form_data(client, name="Hijacked", phone="13812345678"))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


# List and filters


@pytest.fixture
def book(rep, other_rep):
    """The rep's customers, and one of another rep with matching values that must never show."""
    return {
        "zhang_a": customer_of(rep, name="Zhang Wei", phone="13811115678", level="A", status="prospect"),
        "zhang_b": customer_of(rep, name="Zhang Min", phone="13822224321", level="B", status="buyer"),
        "li_a": customer_of(rep, name="Li Na", phone="13933335678", level="A", status="buyer"),
        "theirs": customer_of(other_rep, name="Zhang Hidden", phone="13944445678", level="A", status="buyer"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"zhang_a", "zhang_b", "li_a"}),
        ({"level": "A"}, {"zhang_a", "li_a"}),
        ({"status": "buyer"}, {"zhang_b", "li_a"}),
        ({"level": "A", "status": "buyer"}, {"li_a"}),
        ({"q": "Zhang"}, {"zhang_a", "zhang_b"}),
        ({"q": "zhang w"}, {"zhang_a"}),
        ({"q": "5678"}, {"zhang_a", "li_a"}),
        ({"q": "4321"}, {"zhang_b"}),
        ({"q": "1111"}, {"zhang_a"}),
        ({"q": "139 3333"}, {"li_a"}),
        ({"q": "nobody"}, set()),
    ],
)
def test_list_filters_by_level_status_name_and_phone_fragment_within_scope(client, rep, book, params, expected):
    client.force_login(rep)
    response = client.get("/customers/", params)
    assert response.status_code == 200
    assert shown_ids(response) == {book[label].pk for label in expected}
    assert "Zhang Hidden" not in response.text


def test_list_filter_by_owner_only_offers_staff_in_scope(client, rep, team_lead, book):
    client.force_login(team_lead)
    response = client.get("/customers/", {"owner": rep.pk})
    assert shown_ids(response) == {book["zhang_a"].pk, book["zhang_b"].pk, book["li_a"].pk}
    client.force_login(rep)
    response = client.get("/customers/", {"owner": book["theirs"].owner_id})
    assert "owner" in response.context["form"].errors
    assert book["theirs"].pk not in shown_ids(response)


def test_list_sorted_by_name(client, rep, book):
    client.force_login(rep)
    names = [customer.name for customer in client.get("/customers/", {"sort": "name"}).context["page"].object_list]
    assert names == ["Li Na", "Zhang Min", "Zhang Wei"]


def test_list_htmx_request_returns_only_the_rows(client, rep, book):
    client.force_login(rep)
    response = client.get("/customers/", {"level": "A"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<nav" not in response.text
    assert 'data-testid="customer-filter"' not in response.text
    assert "<tbody>" in response.text
    assert shown_ids(response) == {book["zhang_a"].pk, book["li_a"].pk}


def test_full_list_page_has_the_layout_and_the_filter_form(client, rep, book):
    client.force_login(rep)
    response = client.get("/customers/")
    assert "<html" in response.text
    assert 'data-testid="customer-filter"' in response.text


def test_list_of_a_rep_with_no_customers_says_so(client, org):
    client.force_login(org["other_rep_same_team"])
    response = client.get("/customers/")
    assert shown_ids(response) == set()
    assert "No customers match these filters." in response.text


def test_list_paginates_at_25(client, rep):
    for n in range(27):
        customer_of(rep, name=f"Bulk {n:02d}", phone=f"138000{n:05d}")
    client.force_login(rep)
    first = client.get("/customers/")
    second = client.get("/customers/", {"page": 2})
    assert len(shown_ids(first)) == 25
    assert len(shown_ids(second)) == 2
    assert shown_ids(first).isdisjoint(shown_ids(second))


# Query budget

# Measured with 30 customers: 15 (rep), 18 (team_lead, director: 4 scope queries), 12 (marketing).
LIST_QUERY_BUDGET = 20


def list_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/customers/")
    assert response.status_code == 200
    return len(captured), response


def make_customers(owner, start, count):
    for n in range(start, start + count):
        customer_of(owner, name=f"Budget {n:02d}", phone=f"1390000{n:04d}", project=None)


@pytest.mark.parametrize("role", ["rep", "team_lead"])
def test_list_of_30_customers_stays_within_the_query_budget(client, org, role, django_assert_max_num_queries):
    make_customers(org["rep"], 0, 30)
    client.force_login(org[role])
    client.get("/customers/")  # the session's first write is not the list's cost
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        response = client.get("/customers/")
    assert len(shown_ids(response)) == 25


@pytest.mark.parametrize("role", ["rep", "team_lead", "director", "marketing"])
def test_list_query_count_does_not_grow_from_10_to_30_customers(client, org, role):
    make_customers(org["rep"], 0, 10)
    client.force_login(org[role])
    client.get("/customers/")
    with_10, response = list_queries(client)
    assert len(shown_ids(response)) == 10
    make_customers(org["rep"], 10, 20)
    with_30, response = list_queries(client)
    assert len(shown_ids(response)) == 25
    assert with_30 == with_10
    assert with_30 <= LIST_QUERY_BUDGET


@pytest.fixture
def districts(db):
    from crm_site.models import ChoiceOption

    ChoiceOption.objects.create(list_name="district", value="pudong", label_en="Pudong", label_zh="浦东新区", order=1)
    ChoiceOption.objects.create(list_name="district", value="xuhui", label_en="Xuhui", label_zh="徐汇区", order=2)


def test_the_customer_form_offers_the_district_list_of_settings(client, org, districts):
    client.force_login(org["rep"])
    html = client.get("/customers/new/").text
    assert 'list="id_district-options"' in html
    assert '<option value="浦东新区">Pudong</option>' in html and '<option value="徐汇区">Xuhui</option>' in html


@pytest.mark.parametrize(
    ("typed", "stored"), [("Pudong", "浦东新区"), ("浦东新区", "浦东新区"), ("Minhang", "Minhang")]
)
def test_a_district_is_picked_from_the_list_or_typed_where_the_list_is_open(client, org, districts, typed, stored):
    client.force_login(org["rep"])
    data = rendered_form_data(client.get("/customers/new/"), name="List Buyer", phone="13877776666", district=typed)
    assert client.post("/customers/new/", data).status_code == 302
    assert Customer.objects.get(name="List Buyer").district == stored


def test_a_closed_list_refuses_a_district_not_on_it(client, org, districts):
    ChoiceList.objects.create(name="district", allow_new=False)
    client.force_login(org["rep"])
    data = rendered_form_data(client.get("/customers/new/"), name="List Buyer", phone="13877776666", district="Minhang")
    response = client.post("/customers/new/", data)
    assert response.status_code == 200 and "district" in response.context["form"].errors
    assert not Customer.objects.filter(name="List Buyer").exists()
