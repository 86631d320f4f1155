"""Approval chain, new technology prerequisites, stopping a technology, reviews, emergency uses, indicators."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from credentialing import services
from credentialing.models import PrivilegeItem
from credentialing.workflow import Status

pytestmark = pytest.mark.django_db


def _apply(reg, code="D0102", item="SURG-3", actor="head_cardiology", **kw):
    return services.privilege_apply(staff=reg.staff(code), item=reg.item(item), valid_from=reg.today,
                                    valid_until=reg.today + dt.timedelta(days=300), basis="三级手术主刀60例",
                                    actor=reg.user(actor), **kw)


def test_it_walks_the_approval_chain_step_by_step(reg):
    p = _apply(reg)
    assert p.chain == ["department", "medical_affairs", "committee"] and p.status == Status.PENDING
    services.privilege_approve_step(privilege=p, actor=reg.user("head_cardiology"))
    with pytest.raises(PermissionDenied):  # the medical-affairs step is not the department's
        services.privilege_approve_step(privilege=p, actor=reg.user("head_cardiology"))
    p.refresh_from_db()
    assert p.current_step == "medical_affairs"
    services.privilege_approve_step(privilege=p, actor=reg.user("qc_office"), note="材料齐全")
    p.refresh_from_db()
    assert p.current_step == "committee" and p.status == Status.PENDING
    services.privilege_approve_step(privilege=p, actor=reg.user("principal"), note="委员会审议通过")
    p.refresh_from_db()
    assert p.status == Status.ACTIVE and list(p.approvals.values_list("step", flat=True)) == [
        "department", "medical_affairs", "committee"]


def test_it_refuses_a_department_step_by_another_departments_head(reg):
    p = _apply(reg)
    from django.contrib.auth import get_user_model

    with pytest.raises(PermissionDenied):
        services.privilege_approve_step(privilege=p, actor=get_user_model().objects.get(username="gs_head"))


def test_it_follows_a_shorter_chain_set_on_the_item(reg):
    p = _apply(reg, code="D0103", item="ABX-R", training_passed=True)
    assert p.chain == ["department", "medical_affairs"]
    services.privilege_approve_step(privilege=p, actor=reg.user("head_cardiology"))
    services.privilege_approve_step(privilege=p, actor=reg.user("qc_office"))
    p.refresh_from_db()
    assert p.status == Status.ACTIVE


def test_it_requires_training_where_the_rule_does(reg):
    with pytest.raises(ValidationError) as exc:
        _apply(reg, code="D0103", item="NARC")
    assert "第十一条" in str(exc.value)


def test_it_rejects_with_a_reason(reg):
    p = _apply(reg)
    with pytest.raises(ValidationError):
        services.privilege_reject(privilege=p, actor=reg.user("head_cardiology"), reason=" ")
    services.privilege_reject(privilege=p, actor=reg.user("head_cardiology"), reason="例数不足")
    p.refresh_from_db()
    assert p.status == Status.REJECTED and p.status_reason == "例数不足"


def test_it_blocks_a_new_technology_until_demonstration_sop_and_ethics(reg):
    item = PrivilegeItem.objects.create(institution=reg.h001, code="NEW-1", name="新技术", category="technology",
                                        min_title="associate_senior", max_validity_months=12, is_new=True)
    with pytest.raises(ValidationError) as exc:
        reg.grant("D0101", "NEW-1")
    assert "论证" in str(exc.value) and "伦理" in str(exc.value) and "二（四）14" in str(exc.value)
    services.privilege_item_prerequisites_record(item=item, actor=reg.user("qc_office"), demonstrated_on=reg.today,
                                                 sop_reference="SOP-1", ethics_approved_on=None)
    with pytest.raises(ValidationError):
        reg.grant("D0101", "NEW-1")
    services.privilege_item_prerequisites_record(item=item, actor=reg.user("qc_office"), demonstrated_on=reg.today,
                                                 sop_reference="SOP-1", ethics_approved_on=reg.today)
    assert reg.grant("D0101", "NEW-1").status == Status.ACTIVE


def test_it_suspends_every_grant_when_a_technology_stops(reg):
    item = PrivilegeItem.objects.create(institution=reg.h001, code="T-S", name="限制类技术", category="technology",
                                        min_title="intermediate", max_validity_months=12, is_restricted=True)
    grants = [reg.grant(c, "T-S") for c in ("D0101", "D0102", "D0103")]
    other = reg.grant("D0101", "ABX-R")
    assert services.privilege_item_stop(item=item, actor=reg.user("qc_office"), reason="严重质量问题") == 3
    for g in grants:
        g.refresh_from_db()
        assert g.status == Status.SUSPENDED and g.suspended_by_item
    other.refresh_from_db()
    assert other.status == Status.ACTIVE
    with pytest.raises(ValidationError):
        reg.grant("D0104", "T-S")
    assert services.privilege_item_resume(item=item, actor=reg.user("qc_office"), reason="整改完成") == 3
    grants[0].refresh_from_db()
    assert grants[0].status == Status.RESTORED


def test_it_renews_on_review_and_opens_the_next(reg):
    from credentialing.models import ProcedureRecord

    p = reg.grant("D0101", "SURG-4")
    ProcedureRecord.objects.create(institution=reg.h001, staff=p.staff, item=p.item, performed_on=reg.today,
                                   unplanned_reoperation=True)
    review = p.reviews.get(reviewed_at__isnull=True)
    services.privilege_review_decide(review=review, actor=reg.user("qc_office"), outcome="renew", note="良好",
                                     new_valid_until=reg.today + dt.timedelta(days=360))
    review.refresh_from_db()
    dossier = {ln["label"]: ln["value"] for ln in review.dossier}
    assert dossier["HIS 报告例数"] == 1 and dossier["非计划再次手术"] == 1
    p.refresh_from_db()
    assert p.valid_until == reg.today + dt.timedelta(days=360)
    assert p.reviews.filter(reviewed_at__isnull=True).get().due_on == p.valid_until - dt.timedelta(days=30)


def test_it_caps_a_renewal_at_the_items_maximum(reg):
    p = reg.grant("D0101", "SURG-4")
    with pytest.raises(ValidationError):
        services.privilege_review_decide(review=p.reviews.get(), actor=reg.user("qc_office"), outcome="renew",
                                         note="x", new_valid_until=reg.today + dt.timedelta(days=400))


def test_it_suspends_on_review(reg):
    p = reg.grant("D0101", "SURG-4")
    services.privilege_review_decide(review=p.reviews.get(), actor=reg.user("qc_office"), outcome="suspend",
                                     note="并发症率偏高")
    p.refresh_from_db()
    assert p.status == Status.SUSPENDED


def test_it_shows_dossier_lines_other_apps_contribute(reg):
    from qms import extensions

    def source(*, staff, item, since, until):
        return [{"label": "重点病例评价发现", "value": 2, "detail": "", "url": ""}]

    extensions.register_dossier_source(source)
    try:
        from credentialing.selectors import review_dossier

        lines = review_dossier(privilege=reg.grant("D0101", "SURG-4"))
        assert {"label": "重点病例评价发现", "value": 2, "detail": "", "url": ""} in lines
    finally:
        extensions.DOSSIER_SOURCES.remove(source)


def test_it_lists_lapsed_reviews_and_expiring_grants(reg):
    from credentialing.selectors import privilege_list

    lapsed = reg.grant("D0101", "ABX-R", months=36, start=reg.today - dt.timedelta(days=365 * 3 - 15))
    soon = reg.grant("D0102", "ABX-R", months=2, start=reg.today - dt.timedelta(days=20))
    qc = reg.user("qc_office")
    assert list(privilege_list(qc, lapsed=True)) == [lapsed]
    assert set(privilege_list(qc, expiring=30)) == {lapsed}
    assert set(privilege_list(qc, expiring=60)) == {lapsed, soon}


def test_it_expires_grants_past_their_end(reg):
    p = reg.grant("D0101", "ABX-R", months=1, start=reg.today - dt.timedelta(days=60))
    assert services.privileges_expire() == 1
    p.refresh_from_db()
    assert p.status == Status.EXPIRED


def _use(reg, staff="D0104", confirmed_by="D0101", hours_ago=1):
    return services.emergency_use_record(
        staff=reg.staff(staff), item=reg.item("ABX-S"), used_at=timezone.now() - dt.timedelta(hours=hours_ago),
        reason="感染性休克", confirmed_by=reg.staff(confirmed_by), actor=reg.user("qc_office"))


def test_it_records_an_emergency_use_with_the_24_hour_deadline(reg):
    reg.grant("D0101", "ABX-S")
    use = _use(reg)
    assert use.complete_by == use.used_at + dt.timedelta(hours=24)
    from qms.core.selectors import deadlines_for

    d = deadlines_for(use).get(rule="credentialing.emergency_completion")
    assert d.due_at == use.complete_by and d.department.function == "medical_admin"
    services.emergency_use_complete(use=use, actor=reg.user("qc_office"), note="已补办")
    d.refresh_from_db()
    assert d.done_at is not None


def test_it_refuses_self_confirmation_and_a_confirmer_without_the_item(reg):
    with pytest.raises(ValidationError) as exc:
        _use(reg, staff="D0101", confirmed_by="D0101")
    assert "本人" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _use(reg, confirmed_by="D0102")
    assert "未持有" in str(exc.value)


def test_it_escalates_a_late_emergency_completion_to_medical_affairs(reg):
    from qms.notifications.models import Notification
    from qms.notifications.services import hourly_pass

    reg.grant("D0101", "ABX-S")
    use = _use(reg, hours_ago=30)
    hourly_pass(kick=False)
    yw_head = reg.ctx.dept("H001", "YW").head
    assert Notification.objects.filter(recipient=yw_head, object_id=use.pk, rule="credentialing.emergency_completion", stage__in=["overdue", "escalated"]).exists()


def test_it_computes_zb01_and_zb02(reg):
    from credentialing import indicators
    from qms.his.models import ApiRequestLog

    period = reg.today.replace(day=1)
    assert indicators.zb01(institution=reg.h001, period=period) is None
    a = PrivilegeItem.objects.create(institution=reg.h001, code="S4-A", name="四级A", category="surgery", surgery_grade=4,
                                     min_title="associate_senior", max_validity_months=12)
    PrivilegeItem.objects.create(institution=reg.h001, code="S4-B", name="四级B", category="surgery", surgery_grade=4,
                                 min_title="associate_senior", max_validity_months=12)
    services.privilege_item_assess(item=a, actor=reg.user("qc_office"), assessed_on=reg.today, note="合格")
    assert indicators.zb01(institution=reg.h001, period=period) == (1, 2)
    assert indicators.zb02(institution=reg.h001, period=period) == (0, 1)
    reg.grant("D0101", "ABX-R")
    ApiRequestLog.objects.create(account=reg.user("his_h001"), institution=reg.h001, method="GET",
                                 path="/api/v1/privileges/check/?staff=D0101&item=ABX-R", status_code=200)
    assert indicators.zb02(institution=reg.h001, period=period) == (1, 1)
