"""Confirmations and filters in real Chromium under the CSP (script-src 'self'): inline on…= handlers never
run there, so every irreversible step asks through data-confirm (ui.js) and filters send through
data-autosubmit. Before, the rectification's 确认有效 went through without asking."""
import datetime as dt

import pytest
from django.utils import timezone

from organizations.models import Department, Institution
from qms.core.models import Transition
from rectifications import services
from rectifications.models import Rectification
from rectifications.workflow import Status

pytestmark = pytest.mark.browser


def test_a_withdrawal_asks_first_and_nothing_happens_when_declined(page, login):
    from django.contrib.auth import get_user_model

    qc = get_user_model().objects.get(username="qc_office")
    card = Department.objects.get(institution__code="H001", code="CARD")
    r = services.rectification_open(institution=Institution.objects.get(code="H001"), department=card,
                                    source_kind="inspection", problem="浏览器测试：误录的问题",
                                    due_on=timezone.localdate() + dt.timedelta(days=10), actor=qc, verifier=qc)
    login(page, "qc_office")
    page.goto(f"/rectifications/{r.pk}/")
    page.click("#cancel-card summary")
    page.fill("#cancel-form textarea[name=reason]", "重复录入")
    asked: list[str] = []

    def decline(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.click("#cancel-submit")
    page.wait_for_timeout(300)
    assert asked and "不能恢复" in asked[0]
    assert Rectification.objects.get(pk=r.pk).status == Status.OPEN  # declined: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#cancel-submit")
    assert Rectification.objects.get(pk=r.pk).status == Status.CANCELLED
    assert Transition.objects.filter(object_id=r.pk, action="rectification.cancelled", reason="重复录入").exists()
    assert page.locator("#cancel-form").count() == 0


def test_a_filter_select_sends_its_form_when_changed(page, login):
    login(page, "official_jn")  # reaches two hospitals: the grid offers a choice
    page.goto("/credentialing/grid/")
    select = page.locator("select[data-autosubmit]").first
    assert select.count() == 1
    values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
    target = next(v for v in values if v != select.input_value())
    with page.expect_navigation():
        select.select_option(target)
    assert target in page.url
