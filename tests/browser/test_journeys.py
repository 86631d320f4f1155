"""Issue 14, layout: the five roles' journeys at phone width (390 px) and on a desktop (1280 px), in Chinese
and English. Asserted: no page is wider than the screen, 退出 stays on screen (behind the menu button on a
phone), no button breaks a word over two lines, the nurse's 我的上报 is a list of cards with labelled fields
on a phone and her report form preselects her department, and the official's home page holds the authority's
work rather than hospitals' internal receipts.

Screenshots: set QMS_SCREENSHOTS=/some/dir to keep them (phone and desktop for each role)."""
import os

import pytest

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QMS_SCREENSHOTS", "")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Per role: the pages of the main journey.
JOURNEYS = {
    "staff_nurse": ["/", "/events/mine/", "/events/new/"],
    "qc_office": ["/", "/events/", "/meetings/", "/bulletins/"],
    "head_cardiology": ["/", "/indicators/", "/meetings/actions/"],
    "principal": ["/", "/meetings/", "/bulletins/"],
    "official_jn": ["/", "/interviews/", "/interviews/new/"],
}

WRAPPED_BUTTONS = """() => Array.from(document.querySelectorAll('.btn')).filter(b => {
  const r = b.getBoundingClientRect(); if (!r.width || !r.height) return false;
  return r.height >= 2 * parseFloat(getComputedStyle(b).lineHeight);
}).map(b => b.textContent.trim())"""


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _sign_in(browser, live_server, password: str, username: str, *, locale: str, viewport: dict):
    context = browser.new_context(locale=locale, base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    page.wait_for_selector("#current-user", state="attached")
    return context, page


def _check_page(page, width: int, where: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{where}: wider than the screen"
    assert page.evaluate(WRAPPED_BUTTONS) == [], f"{where}: a button wraps its words"
    if page.locator(".navbar-toggler").is_visible():  # a collapsed menu: 退出 is one tap away, then on screen
        page.click(".navbar-toggler")
        page.wait_for_selector("#logout-button", state="visible")
    box = page.locator("#logout-button").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{where}: 退出 is off screen"


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_roles_journey_fits_a_phone_and_a_desktop(browser, live_server, browser_demo, locale):
    for username, urls in JOURNEYS.items():
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context, page = _sign_in(browser, live_server, browser_demo, username, locale=locale, viewport=viewport)
            try:
                for url in urls:
                    response = page.goto(url)
                    assert response.status == 200, (username, url)
                    where = f"{username} {name} {locale} {url}"
                    if url == urls[0] or url == urls[1]:
                        _shot(page, f"{username}-{name}-{locale}-{url.strip('/').replace('/', '_') or 'home'}")
                    _check_page(page, viewport["width"], where)
            finally:
                context.close()


def test_the_nurse_sees_her_reports_as_cards_on_a_phone_and_her_ward_preselected(browser, live_server,
                                                                                 browser_demo):
    from django.contrib.auth import get_user_model

    nurse = get_user_model().objects.get(username="staff_nurse")
    own = nurse.memberships.filter(department__isnull=False).order_by("pk").first().department
    context, page = _sign_in(browser, live_server, browser_demo, "staff_nurse", locale="zh-CN", viewport=PHONE)
    try:
        page.goto("/events/mine/")
        assert page.locator("#my-table thead").is_hidden()
        first = page.locator("#my-table tbody tr").first
        cells = first.locator("td")
        assert cells.nth(0).get_attribute("data-label") == "编号"
        assert cells.nth(5).get_attribute("data-label") == "状态"
        # A card: the row is as wide as the screen and the status reads on one line beside its label.
        row = first.bounding_box()
        assert row["width"] > 300
        status = cells.nth(5).bounding_box()
        assert status["height"] < 40
        _shot(page, "staff_nurse-phone-my-reports-cards")
        page.goto("/events/new/")
        assert page.input_value("#id_department") == str(own.pk)
        page.set_viewport_size(DESKTOP)
        page.goto("/events/mine/")
        assert page.locator("#my-table thead").is_visible()  # a table again on a desktop
    finally:
        context.close()


def test_the_officials_home_shows_the_authoritys_work(browser, live_server, browser_demo):
    context, page = _sign_in(browser, live_server, browser_demo, "official_jn", locale="zh-CN", viewport=DESKTOP)
    try:
        page.goto("/")
        text = page.locator("main").inner_text()
        assert "受理不良事件报告" not in text and "科室月度质控报告" not in text
        assert "约谈" in text
        _shot(page, "official_jn-desktop-home")
    finally:
        context.close()
