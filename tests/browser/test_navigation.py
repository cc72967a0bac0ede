import re

import pytest
from playwright.sync_api import expect

from crm_site.seeding import DEMO_PASSWORD
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_rep_logs_in_navigates_and_switches_language(page, live_server, demo, artifacts, console_errors):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, "rep.liu", DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Good day")
    expect(page.locator("[data-panel=followups]")).to_be_visible()
    page.screenshot(path=artifacts / "my-day-en.png", full_page=True)

    page.locator("#nav-main .dropdown-toggle", has_text="Customers").click()
    page.get_by_role("link", name=re.compile("Customer files")).click()
    expect(page).to_have_url(re.compile(r"/customers/$"))
    rows = page.locator("#customer-rows tbody tr")
    expect(rows.first).to_be_visible()
    name_link = rows.first.locator("td.card-title a")  # the row also holds the phone's "Call" and "Log a contact"
    first_name = name_link.inner_text()
    name_link.click()
    expect(page.locator("h1")).to_contain_text(first_name)
    expect(page.locator("[data-testid=phone]")).to_have_text(re.compile(r"^1\d{10}$"))  # the owner sees it unmasked

    page.locator("[data-testid=language-switcher] button[value=zh-hans]").first.click()
    expect(page.locator("nav.navbar")).to_contain_text("客户")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("link", name=re.compile("我的一天")).first.click()
    expect(page.locator("[data-panel=followups]")).to_contain_text("待跟进")
    page.screenshot(path=artifacts / "my-day-zh.png", full_page=True)
    assert console_errors == []


def test_phone_layout_collapses_navigation_and_filters_customers(page, live_server, demo, artifacts, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "lead.north", DEMO_PASSWORD)
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    page.locator("#nav-main .dropdown-toggle", has_text="Customers").click()
    page.get_by_role("link", name=re.compile("Customer files")).click()
    page.fill("[data-testid=customer-filter] input[name=q]", "139")
    # htmx swaps the rows and pushes the filter into the URL without a full reload.
    expect(page).to_have_url(re.compile(r"q=139"))
    # On a phone each customer is a compact card: the table's header and its wide-only columns are hidden, the
    # card shows the call and "log a contact" buttons the table leaves out.
    card = page.locator("#customer-rows .customer-card").first
    expect(card).to_be_visible()
    expect(page.locator("#customer-rows thead")).to_be_hidden()
    expect(card.locator("td.card-wide").first).to_be_hidden()
    expect(card.get_by_role("link", name=re.compile("Log a contact"))).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["width"] <= 390
    page.screenshot(path=artifacts / "customers-phone.png", full_page=True)
    assert console_errors == []


def test_masked_viewer_sees_no_phone_number(page, live_server, demo, console_errors):
    log_in(page, live_server, "marketing.wu", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("#customer-rows tbody tr").first).to_be_visible()
    phones = page.locator("#customer-rows tbody td.masked").all_inner_texts()
    assert phones and all(re.fullmatch(r"\d{3}\*{4}\d{4}", phone) for phone in phones)
    assert console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_admin_search_fits_a_laptop_and_a_phone(page, live_server, demo, artifacts, console_errors, language):
    # An admin reaches the most menus; at 1,366 px the search box used to be squeezed to "Search custom".
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "admin", DEMO_PASSWORD)
    search = page.locator("nav [data-testid=nav-search] input[name=q]")
    expect(search).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    user_menu = page.locator("[data-testid=user-menu]").bounding_box()
    assert user_menu is not None and user_menu["x"] + user_menu["width"] <= 1366

    search.click()  # folded into a magnifier at this width: it opens where the whole placeholder fits
    expect(search).to_be_focused()
    page.wait_for_function(
        "() => { const box = document.querySelector('[data-testid=nav-search] input').getBoundingClientRect();"
        " return box.width >= 240 && box.left >= 0 && box.right <= window.innerWidth; }"
    )
    box = search.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1366 and box["y"] >= 0
    assert page.evaluate("(input) => input.scrollWidth <= input.clientWidth", search.element_handle())
    page.screenshot(path=artifacts / f"navbar-1366-admin-{language}.png")
    search.fill("Liu")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Liu"))

    # The phone keeps the whole search box inside its collapsed menu.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".navbar-toggler").click()
    expect(search).to_be_visible()
    box = search.bounding_box()
    assert box is not None and box["width"] >= 300 and box["x"] + box["width"] <= 390
    assert console_errors == []
