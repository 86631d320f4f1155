import pytest

pytestmark = pytest.mark.browser


def test_it_signs_in_shows_home_and_signs_out(page, login):
    login(page, "qc_office")
    assert page.locator("#current-user").inner_text() == "王丽"
    roles = page.locator("#my-roles").inner_text()
    assert "济南市第一人民医院" in roles and "质控办" in roles
    assert "济南市第一人民医院" in page.locator("#my-institutions").inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # the stylesheet is served by the app itself
    css = page.request.get("/static/vendor/bootstrap/bootstrap.min.css")
    assert css.status == 200
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_it_keeps_the_user_name_when_the_password_is_wrong(page, browser_demo):
    page.goto("/accounts/login/")
    page.fill("#id_username", "qc_office")
    page.fill("#id_password", "wrong")
    page.click("#login-button")
    assert "请输入一个正确的" in page.locator("#login-error").inner_text()
    assert page.input_value("#id_username") == "qc_office"


def test_it_shows_an_official_their_authority_and_not_a_hospital_list(page, login):
    login(page, "official_jn")
    assert "济南市卫生健康委员会" in page.locator("#my-authorities").inner_text()
    page.goto("/org/institutions/")
    table = page.locator("#institution-table").inner_text()
    assert "H001" in table and "H002" in table  # H002 is registered with LX, below JN
