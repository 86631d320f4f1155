"""The rules of 济南市市级医疗质量控制中心管理办法（试行） (seeds/003), one test per numbered rule (issue 20)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qc_centres import services
from qc_centres.models import Assessment, CentreStaff, HostBar, QcCentre
from qc_centres.selectors import coverage, in_scope_institutions, visible_centres, visible_visits
from qms.core.models import Deadline
from rectifications.models import Rectification
from rectifications.selectors import visible_rectifications
from tests.factories import InstitutionFactory
from tests.qc_centres.helpers import BIRTH, D, add, centre, full_committee

pytestmark = pytest.mark.django_db


def messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- set-up (Art. 4, 5, 19 (一))


def test_term_is_four_years(demo, personas):
    c, _s = centre(demo, personas, "2025-03-01")
    assert c.term_end == D("2029-02-28")
    assert c.status == "active" and c.card == "none"


def test_one_centre_per_specialty_per_authority(demo, personas):
    centre(demo, personas)
    with pytest.raises(ValidationError) as exc:
        centre(demo, personas)
    assert "第四条" in messages(exc)


def test_host_below_second_grade_a_is_refused(demo, personas):
    low = InstitutionFactory(grade_level="2", grade_class="乙", authority=demo.authorities["JN"])
    with pytest.raises(ValidationError) as exc:
        centre(demo, personas, host=low)
    assert "第五条（一）" in messages(exc)


def test_only_the_authority_sets_a_centre_up(demo, personas):
    with pytest.raises(PermissionDenied):
        services.centre_create(authority=demo.authorities["JN"], specialty="呼吸", name="x",
                               host_institution=demo.institutions["H001"], term_start=D("2025-01-01"),
                               actor=personas["qc_office"])


def test_second_term_then_reselection(demo, personas):
    c, _s = centre(demo, personas, "2025-01-01")
    c = services.centre_renew_term(centre=c, actor=personas["official_jn"])
    assert (c.term_number, c.term_start, c.term_end) == (2, D("2029-01-01"), D("2032-12-31"))
    with pytest.raises(ValidationError) as exc:
        services.centre_renew_term(centre=c, actor=personas["official_jn"])
    assert "第十九条（一）" in messages(exc)


def test_county_applicant_needs_county_first_review_and_all_materials(demo, personas):
    from qms.uploads import CheckedUpload

    app = services.application_submit(authority=demo.authorities["JN"], specialty="妇产科",
                                      applicant=demo.institutions["H002"], actor=personas["qc_office_h002"])
    assert app.needs_county_review
    with pytest.raises(ValidationError) as exc:
        services.application_decide(application=app, actor=personas["official_jn"], approve=True, note="ok")
    assert "第五条" in messages(exc)
    services.application_county_review(application=app, actor=personas["official_lx"], note="同意推荐")
    with pytest.raises(ValidationError) as exc:
        services.application_decide(application=app, actor=personas["official_jn"], approve=True, note="ok")
    assert "第七条" in messages(exc)
    pdf = b"%PDF-1.4\n%test\n"
    for kind in ("licence", "feasibility", "support", "plan"):
        services.application_material_add(application=app, actor=personas["qc_office_h002"], kind=kind,
                                          checked=CheckedUpload(name=f"{kind}.pdf", content_type="application/pdf",
                                                                size=len(pdf), sha256="0" * 64, data=pdf))
    app = services.application_decide(application=app, actor=personas["official_jn"], approve=True, note="综合评估通过",
                                      term_start=D("2025-01-01"))
    assert app.status == "approved" and app.centre.host_institution == demo.institutions["H002"]


# --- the expert committee (Art. 6, 19 (二))


def test_full_committee_publishes(demo, personas):
    c, s = centre(demo, personas)
    full_committee(c, s)
    c = services.committee_publish(centre=c, actor=personas["official_jn"], on=D("2025-02-01"))
    assert c.committee_published_on == D("2025-02-01")


@pytest.mark.parametrize("deputies, secretaries, rule", [(2, 1, "副主任3-5人"), (3, 0, "秘书1人")])
def test_committee_below_bounds_cannot_be_published(demo, personas, deputies, secretaries, rule):
    c, s = centre(demo, personas)
    add(c, s, "director", True)
    for _ in range(deputies):
        add(c, s, "deputy")
    for _ in range(secretaries):
        add(c, s, "secretary")
    with pytest.raises(ValidationError) as exc:
        services.committee_publish(centre=c, actor=personas["official_jn"])
    assert rule in messages(exc) and "第六条" in messages(exc)


def test_committee_maxima_are_refused_naming_the_rule(demo, personas):
    c, s = centre(demo, personas)
    add(c, s, "director", True)
    with pytest.raises(ValidationError, match="主任1人"):
        add(c, s, "director", True)
    for _ in range(5):
        add(c, s, "deputy")
    with pytest.raises(ValidationError, match="副主任3-5人"):
        add(c, s, "deputy")
    add(c, s, "secretary")
    with pytest.raises(ValidationError, match="秘书1人"):
        add(c, s, "secretary")
    for _ in range(23):
        add(c, s, "member")
    assert c.experts.count() == 30
    with pytest.raises(ValidationError, match="30人以内"):
        add(c, s, "member")


def test_host_gives_at_most_one_of_each(demo, personas):
    c, s = centre(demo, personas)
    add(c, s, "director", True)
    add(c, s, "deputy", True)
    with pytest.raises(ValidationError) as exc:
        add(c, s, "deputy", True)
    assert "总人数不超过4人" in messages(exc)
    add(c, s, "member", True)
    with pytest.raises(ValidationError):
        add(c, s, "member", True)


@pytest.mark.parametrize("kw, rule", [
    ({"from_host": False}, "挂靠单位正式在职工作人员"),
    ({"from_host": True, "retired": True}, "已退休人员"),
    ({"from_host": True, "main_practice_at_host": False}, "主执业地点"),
    ({"from_host": True, "title": "intermediate"}, "副高级及以上"),
    ({"from_host": True, "birth_date": D("1968-01-10")}, "不超过56岁"),
])
def test_director_conditions(demo, personas, kw, rule):
    c, s = centre(demo, personas)
    with pytest.raises(ValidationError) as exc:
        add(c, s, "director", **kw)
    assert rule in messages(exc)


def test_director_aged_56_at_first_appointment_is_accepted(demo, personas):
    c, s = centre(demo, personas)
    e = add(c, s, "director", True, birth_date=D("1969-01-10"), title="associate_senior")
    assert e.first_appointed_on == D("2025-01-10")


def test_no_member_added_after_publication(demo, personas):
    c, s = centre(demo, personas)
    full_committee(c, s)
    services.committee_publish(centre=c, actor=personas["official_jn"])
    member = c.experts.filter(role="member").first()
    services.expert_leave(expert=member, actor=s, reason="工作调动")
    with pytest.raises(ValidationError) as exc:
        add(c, s, "member")
    assert "不进行增补" in messages(exc)


def test_director_who_leaves_opens_a_one_month_deadline_closed_by_the_replacement(demo, personas):
    c, s = centre(demo, personas)
    full_committee(c, s)
    services.committee_publish(centre=c, actor=personas["official_jn"])
    director = c.experts.get(role="director")
    services.expert_leave(expert=director, actor=s, reason="工作调动", left_on=D("2025-03-31"))
    d = Deadline.objects.get(rule="qc_centre.director_replacement", object_id=c.pk)
    assert d.due_on == D("2025-04-30") and d.done_at is None and "第十九条（二）" in d.article
    add(c, s, "director", True, appointed_on=D("2025-04-20"))
    d.refresh_from_db()
    assert d.done_at is not None


def test_expert_removed_with_reason(demo, personas):
    c, s = centre(demo, personas)
    e = add(c, s, "member")
    with pytest.raises(ValidationError):
        services.expert_remove(expert=e, actor=s, ground="no_work", reason="")
    e = services.expert_remove(expert=e, actor=s, ground="no_work", reason="连续一年未参加质控工作")
    assert e.status == "removed" and e.reason


# --- yearly cycle (Art. 11–13)


def test_annual_report_due_31_december_late_flagged_and_tasks_tracked(demo, personas):
    c, s = centre(demo, personas, "2025-01-01")
    d = Deadline.objects.get(rule="qc_centre.annual_report")
    assert d.due_on == D("2025-12-31") and d.done_at is None
    report = services.annual_report_submit(centre=c, year=2025, summary="总结", plan="计划", actor=s,
                                           tasks=[("制定质控指标", D("2026-03-31"))], on=D("2026-01-05"))
    assert report.late
    d.refresh_from_db()
    assert d.done_at is not None
    assert Deadline.objects.filter(rule="qc_centre.annual_report", done_at__isnull=True).get().due_on == D("2026-12-31")
    assert Deadline.objects.get(rule="qc_centre.plan_task").due_on == D("2026-03-31")


def test_plan_without_dated_tasks_is_refused(demo, personas):
    c, s = centre(demo, personas)
    with pytest.raises(ValidationError) as exc:
        services.annual_report_submit(centre=c, year=2025, summary="总结", plan="计划", actor=s, tasks=[])
    assert "明确完成时限" in messages(exc)


def test_activity_outside_plan_reported_ahead(demo, personas):
    c, s = centre(demo, personas)
    with pytest.raises(ValidationError) as exc:
        services.activity_record(centre=c, actor=s, kind="other", title="调研", held_on=D("2025-05-10"), in_plan=False,
                                 reported_on=D("2025-05-10"))
    assert "提前" in messages(exc)
    a = services.activity_record(centre=c, actor=s, kind="training", title="年度质控培训", held_on=D("2025-05-10"),
                                 attendees=["张明", "王丽"])
    assert a.attendees == ["张明", "王丽"]


def test_visit_coverage_and_rectification_loop(demo, personas):
    c, s = centre(demo, personas)
    assert {i.code for i in in_scope_institutions(c)} == {"H001", "H002"}
    today = timezone.localdate()
    visit = services.visit_record(centre=c, institution=demo.institutions["H002"], actor=s, visited_on=today,
                                  report="质控报告", findings=[{"problem": "胸痛患者首份心电图超过10分钟",
                                                                "due_on": today + dt.timedelta(days=30)}])
    grid = {row["institution"].code: row["owed"] for row in coverage(c, today.year)}
    assert grid == {"H001": True, "H002": False}
    r = Rectification.objects.get(source_kind="qc_visit", source_id=visit.pk)
    assert r.authority == demo.authorities["JN"] and r.institution.code == "H002"
    assert visible_rectifications(s).filter(pk=r.pk).exists()
    assert visible_rectifications(personas["qc_office_h002"]).filter(pk=r.pk).exists()
    services.visit_reply(visit=visit, actor=personas["qc_office_h002"], text="已整改")
    with pytest.raises(PermissionDenied):
        services.visit_reply(visit=visit, actor=personas["qc_office"], text="x")


def test_visit_outside_scope_refused(demo, personas):
    c, s = centre(demo, personas, names=["心血管内科"])
    with pytest.raises(ValidationError) as exc:
        services.visit_record(centre=c, institution=demo.institutions["H002"], actor=s,
                              visited_on=timezone.localdate(), report="x")
    assert "第二十四条" in messages(exc)


# --- assessment, cards, hand-over (Art. 19–21)


def test_failed_year_names_grounds(demo, personas):
    year = timezone.localdate().year
    c, _s = centre(demo, personas, f"{year}-01-01")
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(centre=c, year=year, passed=False, actor=personas["official_jn"], grounds=[])
    assert "第二十条" in messages(exc)
    a = services.assessment_record(centre=c, year=year, passed=False, actor=personas["official_jn"], grounds=["3"])
    assert a.grounds == ["3"] and a.card == "yellow"


def test_detected_ground_blocks_a_pass(demo, personas):
    c, _s = centre(demo, personas, "2025-01-01")
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(centre=c, year=2025, passed=True, actor=personas["official_jn"], on=D("2026-01-20"))
    assert "（二）未向市卫生健康委按时报送" in messages(exc)


def test_yellow_then_red_card_and_four_year_bar(demo, personas):
    jn = demo.authorities["JN"]
    c, s = centre(demo, personas, "2024-01-01")
    a = services.assessment_record(centre=c, year=2024, passed=False, grounds=["6"], actor=personas["official_jn"],
                                   on=D("2025-01-15"))
    assert a.card == "yellow" and QcCentre.objects.get(pk=c.pk).card == "yellow"
    a = services.assessment_record(centre=c, year=2025, passed=False, grounds=["1"], actor=personas["official_jn"],
                                   on=D("2026-01-15"))
    c.refresh_from_db()
    assert a.card == "red" and c.card == "red" and c.status == "dissolved"
    bar = HostBar.objects.get(institution=demo.institutions["H001"])
    assert bar.barred_until == D("2030-01-15")
    with pytest.raises(ValidationError) as exc:
        services.centre_create(authority=jn, specialty="心血管内科", name="x", host_institution=demo.institutions["H001"],
                               term_start=D("2026-02-01"), actor=personas["official_jn"])
    assert "2030-01-15" in messages(exc) and "第十九条（三）" in messages(exc)
    # another host may be selected: it succeeds the dissolved centre, with a 1-month hand-over
    other = InstitutionFactory(authority=jn)
    new = services.centre_create(authority=jn, specialty="心血管内科", name="新中心", host_institution=other,
                                 term_start=D("2026-02-01"), actor=personas["official_jn"])
    assert new.predecessor_id == c.pk
    d = Deadline.objects.get(rule="qc_centre.handover")
    assert d.due_on == D("2026-03-01") and "第二十一条" in d.article


def test_pass_after_yellow_is_not_red(demo, personas):
    c, s = centre(demo, personas, "2024-01-01")
    services.assessment_record(centre=c, year=2024, passed=False, grounds=["6"], actor=personas["official_jn"],
                               on=D("2025-01-15"))
    services.annual_report_submit(centre=c, year=2025, summary="s", plan="p", actor=s,
                                  tasks=[("t", D("2026-06-30"))], on=D("2025-12-20"))
    a = services.assessment_record(centre=c, year=2025, passed=True, actor=personas["official_jn"], on=D("2026-01-15"))
    assert a.card == "none" and Assessment.objects.count() == 2


def test_handover_gives_the_new_host_the_data_and_takes_the_old_hosts_access(demo, personas):
    jn = demo.authorities["JN"]
    c, old_secretary = centre(demo, personas, "2024-01-01")
    visit = services.visit_record(centre=c, institution=demo.institutions["H002"], actor=old_secretary,
                                  visited_on=timezone.localdate(), report="报告")
    services.centre_dissolve(centre=c, actor=personas["official_jn"], reason="主任逾期未推荐（第十九条（二））")
    new, new_secretary = centre(demo, personas, "2026-02-01", host=InstitutionFactory(authority=jn))
    assert not visible_visits(new_secretary).filter(pk=visit.pk).exists()
    assert visible_visits(old_secretary).filter(pk=visit.pk).exists()
    with pytest.raises(ValidationError) as exc:
        services.handover_complete(handover=new.handover_in, actor=old_secretary, items=["files", "data"])
    assert "第二十一条" in messages(exc)
    services.handover_complete(handover=new.handover_in, actor=old_secretary,
                               items=["files", "network", "platform", "data"])
    assert visible_visits(new_secretary).filter(pk=visit.pk).exists()
    old_secretary.__dict__.pop("_qc_centre_ids", None)
    assert not visible_visits(old_secretary).filter(pk=visit.pk).exists()
    assert not CentreStaff.objects.get(user=old_secretary).is_active
    assert not visible_centres(old_secretary).filter(pk=c.pk).exists()


# --- data and access (Art. 14–15)


def test_export_to_third_party_needs_consent_and_every_export_is_logged(demo, personas):
    c, s = centre(demo, personas)
    log, data = services.data_export(centre=c, actor=s)
    assert log.recipient == "" and data.decode("utf-8-sig").startswith("indicator,")
    with pytest.raises(ValidationError) as exc:
        services.data_export(centre=c, actor=s, recipient="某医药公司")
    assert "第十五条" in messages(exc)
    consent = services.export_consent_grant(centre=c, actor=personas["official_jn"], recipient="山东省心血管病质控中心",
                                            purpose="省级质控汇总", valid_until=timezone.localdate())
    log, _data = services.data_export(centre=c, actor=s, recipient="山东省心血管病质控中心", consent=consent)
    assert c.exports.count() == 2 and log.consent == consent


def test_centre_staff_see_their_centre_only(demo, personas):
    c, s = centre(demo, personas)
    other, s2 = centre(demo, personas, specialty="呼吸内科")
    assert set(visible_centres(s)) == {c}
    assert set(visible_centres(personas["official_jn"])) == {c, other}
    assert not visible_centres(personas["qc_office_h002"]).exists()
    assert not visible_centres(personas["official_lx"]).exists()
    assert BIRTH


def test_centre_data_is_its_specialty_in_scope_and_nothing_else(demo, personas):
    from decimal import Decimal

    from indicators.models import Indicator, IndicatorValue
    from organizations.selectors import visible_departments, visible_institutions

    c, s = centre(demo, personas, names=["心血管内科"])
    indicator = Indicator.objects.order_by("code").first()
    values = {}
    for code in ("CARD", "RESP"):
        values[code] = IndicatorValue.objects.create(
            indicator=indicator, institution=demo.institutions["H001"], department=demo.dept("H001", code),
            period=D("2025-06-01"), numerator=Decimal(1), denominator=Decimal(2), rate=Decimal("0.5"),
            source="demo", entered_at=timezone.now(), definition_version=1, factor=Decimal(100))
    data = services.centre_data(c)["indicator_values"]
    assert values["CARD"] in data and values["RESP"] not in data
    # the centre's staff reach no hospital through the ordinary scope: only the centre's own pages
    assert not visible_institutions(s).exists() and not visible_departments(s).exists()
