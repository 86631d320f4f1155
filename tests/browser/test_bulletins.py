"""The monthly bulletin journey in real Chromium: qc_office starts last month's issue, watches its progress,
writes commentary, publishes and downloads it; the principal reads it."""
import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def test_it_drafts_comments_publishes_and_is_read_by_the_principal(page, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.set_default_timeout(90000)  # the PDF is laid out in-process (no REDIS_URL): a few seconds
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    period = f"{first:%Y-%m}"

    login(page, "qc_office")
    page.goto("/bulletins/")
    page.click("#start-bulletin")
    assert page.input_value("#id_period") == period
    page.click("#bulletin-start-button")
    page.wait_for_url("**/bulletins/*/")
    page.wait_for_function("document.getElementById('bulletin-progress').dataset.status === 'ready'")
    assert page.locator("#bulletin-progress-bar").inner_text() == "100%"
    assert page.locator("#bulletin-status").inner_text() == "待发布"
    assert f"{first.year}年第{first.month}期" in page.locator("#bulletin-title").inner_text()
    # the progress endpoint the bar polls
    progress = page.request.get(page.locator("#bulletin-progress").get_attribute("data-progress-url")).json()
    assert progress["status"] == "ready" and progress["percent"] == 100
    page.screenshot(path=str(tmp_path / "bulletin-ready.png"), full_page=True)

    page.click("#edit-commentary")
    page.fill("#id_foreword", "本月全院医疗质量总体平稳，请各科室对照未达标指标逐项整改。")
    page.fill("#id_c_events", "I/II 类事件须在规定时限内完成根因分析。")
    page.click("#save-commentary")
    page.wait_for_url("**/bulletins/*/")
    assert "本月全院医疗质量总体平稳" in page.locator("#foreword").inner_text()

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#publish")  # publishing freezes the issue: the page asks first
    page.wait_for_selector("#bulletin-status:has-text('已发布')")
    assert asked and asked[0].strip()
    with page.expect_download() as info:
        page.click("#download-pdf")
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=str(tmp_path / "bulletin-published.png"), full_page=True)
    page.click("#logout-button")

    login(page, "principal")
    page.goto("/bulletins/")
    row = page.locator(".bulletin-row").first
    assert "已发布" in row.inner_text()
    row.locator("a").first.click()
    assert "本月全院医疗质量总体平稳" in page.locator("#foreword").inner_text()
    assert page.locator("#publish").count() == 0 and page.locator("#edit-commentary").count() == 0
    with page.expect_download() as info:
        page.click("#download-pdf")
    with open(info.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
