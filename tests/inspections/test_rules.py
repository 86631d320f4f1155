"""The rules of issue 18 through the API paths of API.md and the services."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from inspections import selectors, services
from inspections.models import CoreSystem, Defect, GradeThresholds
from qms.core.models import Deadline
from rectifications.models import Rectification
from staff.models import Staff

pytestmark = pytest.mark.django_db

ITEMS = [
    {"code": "1", "text": "首诊医师接诊后及时完成病历记录", "points": "10", "rule": "每缺一项扣 2 分，扣完为止"},
    {"code": "2", "text": "需会诊时及时申请", "points": "5"},
    {"code": "3", "text": "交接记录完整", "points": "5"},
]


@pytest.fixture
def qc(personas):
    return personas["qc_office"]


def _checklist(api, qc, code="SZ01"):
    r = api(qc).post("/api/v1/checklists/", {"code": code, "name": "首诊负责制度检查表", "core_system": "CS01", "items": ITEMS}, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def _inspection(api, user, tier="hospital", dept="CARD", on=None, checklist="SZ01"):
    r = api(user).post("/api/v1/inspections/", {
        "institution": "H001", "department": dept, "checklist": checklist, "kind": "regular", "tier": tier,
        "inspected_on": str(on or timezone.localdate())}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "open"
    return r.json()["id"]


def test_it_lists_the_18_core_systems_verbatim(api, qc):
    r = api(qc).get("/api/v1/core-systems/")
    names = [c["name"] for c in r.json()["results"]]
    assert r.status_code == 200 and len(names) == 18 and r.json()["count"] == 18
    assert names[0] == "首诊负责制度" and "危急值报告制度" in names and names[-1] == "信息安全管理制度"


def test_it_creates_a_checklist_with_its_total_points(api, qc):
    body = _checklist(api, qc)
    assert body["total_points"] == 20 and body["version"] == 1 and len(body["items"]) == 3


def test_it_refuses_a_checklist_item_without_points_naming_the_row(api, qc):
    r = api(qc).post("/api/v1/checklists/", {"code": "X", "name": "x", "area": "other",
                                             "items": [{"code": "1", "text": "a", "points": "0"}]}, format="json")
    assert r.status_code == 400


def test_it_scores_total_less_deductions_and_refuses_a_deduction_above_the_item(api, qc):
    _checklist(api, qc)
    pk = _inspection(api, qc)
    r = api(qc).post(f"/api/v1/inspections/{pk}/results/", [
        {"item": "1", "deducted": "4", "finding": "2 份病历首诊记录缺失", "cases": ["ZY001", "ZY002"]},
        {"item": "2", "deducted": "0"}], format="json")
    assert r.status_code == 200 and r.json()["score"] == 16
    over = api(qc).post(f"/api/v1/inspections/{pk}/results/", [{"item": "2", "deducted": "6", "finding": "x"}], format="json")
    assert over.status_code == 400 and "超过该条分值" in str(over.json())
    assert api(qc).get(f"/api/v1/inspections/{pk}/").json()["score"] == 16  # nothing of the refused body stored


def test_it_turns_each_deduction_into_a_rectification_with_its_deadline_row(api, qc, personas):
    _checklist(api, qc)
    pk = _inspection(api, qc)
    api(qc).post(f"/api/v1/inspections/{pk}/results/", [
        {"item": "1", "deducted": "2", "finding": "首诊记录缺失"}, {"item": "3", "deducted": "1", "finding": "交接记录不全"},
        {"item": "2", "deducted": "0"}], format="json")
    due = timezone.localdate() + dt.timedelta(days=30)
    r = api(qc).post(f"/api/v1/inspections/{pk}/complete/", {"due_on": str(due)}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "completed"
    rects = Rectification.objects.filter(source_kind="inspection", source_id=pk)
    assert rects.count() == 2
    for rect in rects:
        assert rect.verifier == qc and rect.due_on == due and rect.department.code == "CARD"
        d = Deadline.objects.get(rule="rectification.due", object_id=rect.pk)
        assert d.due_on == due and d.done_at is None
    listed = api(qc).get(f"/api/v1/rectifications/?source=inspection:{pk}").json()
    assert listed["count"] == 2
    again = api(qc).post(f"/api/v1/inspections/{pk}/results/", [{"item": "2", "deducted": "1", "finding": "x"}], format="json")
    assert again.status_code == 400  # completed: results are closed


def test_it_marks_a_repeat_finding_at_the_next_check(api, qc):
    _checklist(api, qc)
    due = str(timezone.localdate() + dt.timedelta(days=30))
    ids = []
    for _n in range(2):
        pk = _inspection(api, qc)
        api(qc).post(f"/api/v1/inspections/{pk}/results/", [{"item": "1", "deducted": "2", "finding": "首诊记录缺失"}], format="json")
        api(qc).post(f"/api/v1/inspections/{pk}/complete/", {"due_on": due}, format="json")
        ids.append(pk)
    first = Rectification.objects.get(source_id=ids[0])
    second = Rectification.objects.get(source_id=ids[1])
    assert first.repeat_of is None and second.repeat_of == first
    assert api(qc).get(f"/api/v1/inspections/{ids[1]}/").json()["results"][0]["repeat"] is True


def test_it_flags_a_self_check_that_finds_nothing_the_hospital_finds(api, qc, personas, demo):
    _checklist(api, qc)
    head = personas["head_cardiology"]
    own = _inspection(api, head, tier="department")
    api(head).post(f"/api/v1/inspections/{own}/results/", [{"item": "1", "deducted": "0"}], format="json")
    api(head).post(f"/api/v1/inspections/{own}/complete/", {}, format="json")
    hosp = _inspection(api, qc)
    api(qc).post(f"/api/v1/inspections/{hosp}/results/", [{"item": "1", "deducted": "4", "finding": "缺失"}], format="json")
    api(qc).post(f"/api/v1/inspections/{hosp}/complete/", {"due_on": str(timezone.localdate() + dt.timedelta(days=9))}, format="json")
    today = timezone.localdate()
    gaps = selectors.self_check_gaps(institution=demo.institutions["H001"], year=today.year, month=today.month)
    assert len(gaps) == 1
    g = gaps[0]
    assert g["self"] == Decimal("100.0") and g["hospital"] == Decimal("80.0") and g["gap"] == Decimal("20.0") and g["flag"]
    assert len(g["reasons"]) == 2


def test_it_does_not_flag_a_self_check_close_to_the_hospital_score(api, qc, personas, demo):
    _checklist(api, qc)
    head = personas["head_cardiology"]
    for user, tier, ded in ((head, "department", "2"), (qc, "hospital", "3")):
        pk = _inspection(api, user, tier=tier)
        api(user).post(f"/api/v1/inspections/{pk}/results/", [{"item": "1", "deducted": ded, "finding": "缺失"}], format="json")
        api(user).post(f"/api/v1/inspections/{pk}/complete/", {"due_on": str(timezone.localdate() + dt.timedelta(days=9))}, format="json")
    today = timezone.localdate()
    (g,) = selectors.self_check_gaps(institution=demo.institutions["H001"], year=today.year, month=today.month)
    assert g["gap"] == Decimal("5.0") and not g["flag"]


def test_it_shows_coverage_and_what_the_plan_still_owes(api, qc, demo):
    _checklist(api, qc)
    from inspections.models import Checklist

    inst = demo.institutions["H001"]
    checklist = Checklist.objects.get(code="SZ01")
    today = timezone.localdate()
    planned = services.plan_add(institution=inst, year=today.year, month=today.month, checklist=checklist,
                                departments=[demo.dept("H001", "CARD"), demo.dept("H001", "GS")], kind="regular",
                                tier="hospital", actor=qc, due_on=today + dt.timedelta(days=3))
    assert Deadline.objects.filter(rule="inspection.planned", done_at__isnull=True).count() == 2
    pk = _inspection(api, qc, dept="CARD")
    api(qc).post(f"/api/v1/inspections/{pk}/results/", [{"item": "1", "deducted": "0"}], format="json")
    api(qc).post(f"/api/v1/inspections/{pk}/complete/", {}, format="json")
    data = selectors.coverage(user=qc, institution=inst, year=today.year)
    depts = [d.code for d in data["departments"]]
    row = data["rows"][0]
    assert row["label"] == CoreSystem.objects.get(code="CS01").name
    assert row["cells"][depts.index("CARD")] == {"done": 1, "owed": 0, "overdue": 0}
    assert row["cells"][depts.index("GS")]["owed"] == 1
    assert Deadline.objects.get(rule="inspection.planned", object_id=planned[0].pk).done_at is not None
    assert Deadline.objects.get(rule="inspection.planned", object_id=planned[1].pk).done_at is None
    assert "三级查房制度" in data["uncovered"]


def test_it_hides_another_hospitals_inspection(api, qc, personas):
    _checklist(api, qc)
    pk = _inspection(api, qc)
    stranger = personas["qc_office_h002"]
    assert api(stranger).get(f"/api/v1/inspections/{pk}/").status_code == 404
    assert api(stranger).post(f"/api/v1/inspections/{pk}/results/", [{"item": "1", "deducted": "1", "finding": "x"}], format="json").status_code == 404
    assert api(stranger).post(f"/api/v1/inspections/{pk}/complete/", {}, format="json").status_code == 404
    r = api(stranger).post("/api/v1/inspections/", {"institution": "H001", "checklist": "SZ01", "kind": "regular",
                                                    "tier": "hospital", "inspected_on": str(timezone.localdate())}, format="json")
    assert r.status_code == 400  # H001 is not a code within reach


def test_it_lists_inspections_in_a_bounded_number_of_queries(api, qc, django_assert_max_num_queries):
    _checklist(api, qc)
    for _n in range(3):
        _inspection(api, qc)
    client = api(qc)
    with django_assert_max_num_queries(14):
        r = client.get("/api/v1/inspections/")
    assert r.json()["count"] == 3


@pytest.fixture
def physician(demo):
    return Staff.objects.create(institution=demo.institutions["H001"], department=demo.dept("H001", "CARD"), code="D0101",
                                name="张明", profession="physician", title="senior")


def _review(api, user, score, **extra):
    body = {"institution": "H001", "department": "CARD", "record_number": "ZY2026001", "physician": "D0101",
            "discharged_on": str(timezone.localdate() - dt.timedelta(days=3)), "score": score, **extra}
    return api(user).post("/api/v1/record-reviews/", body, format="json")


@pytest.mark.parametrize(("score", "grade"), [("90", "A"), ("89.9", "B"), ("75", "B"), ("74.9", "C")])
def test_it_grades_by_the_default_thresholds(api, qc, physician, score, grade):
    r = _review(api, qc, score)
    assert r.status_code == 201, r.json()
    assert r.json()["grade"] == grade


def test_it_grades_by_the_hospitals_own_thresholds(api, qc, physician, demo):
    GradeThresholds.objects.create(institution=demo.institutions["H001"], grade_a_min=95, grade_b_min=80)
    assert _review(api, qc, "92").json()["grade"] == "B"
    assert _review(api, qc, "79").json()["grade"] == "C"


def test_it_refuses_a_score_out_of_range_and_an_unknown_physician(api, qc, physician):
    assert _review(api, qc, "101").status_code == 400
    r = _review(api, qc, "90", physician="NOPE")
    assert r.status_code == 400 and "physician" in r.json()


def test_it_turns_record_defects_into_a_rectification_and_computes_the_indicators(api, qc, physician, demo):
    from inspections import indicators

    ok = _review(api, qc, "95")
    bad = _review(api, qc, "80", defects=[Defect.COPY], record_number="ZY2026002")
    assert ok.json()["rectification"] is None and bad.json()["rectification"] is not None
    rect = Rectification.objects.get(pk=bad.json()["rectification"])
    assert rect.department.code == "CARD" and rect.source_kind == "record_review" and "不合理复制病历" in rect.problem
    period = timezone.localdate().replace(day=1)
    inst = demo.institutions["H001"]
    assert indicators.grade_a_rate(institution=inst, period=period) == (1, 2)
    assert indicators.copy_rate(institution=inst, period=period) == (1, 2)
    assert indicators.copy_rate(institution=demo.institutions["H002"], period=period) is None
    from qms.extensions import INDICATOR_SOURCES

    assert INDICATOR_SOURCES["ZB13-8"] is indicators.grade_a_rate


def test_it_hides_another_hospitals_record_reviews(api, qc, physician, personas):
    pk = _review(api, qc, "90").json()["id"]
    assert api(personas["qc_office_h002"]).get(f"/api/v1/record-reviews/{pk}/").status_code == 404


def test_it_round_trips_checklists_through_excel_and_names_the_rows_in_error(api, qc, demo):
    import io

    from openpyxl import Workbook

    from inspections.excel import HEAD, export_workbook
    from inspections.models import Checklist

    _checklist(api, qc)
    h001 = demo.institutions["H001"]
    data = export_workbook(Checklist.objects.filter(institution=h001))
    result = services.checklists_import(institution=h001, data=data, actor=qc)
    assert result["errors"] == [] and result["unchanged"] == ["SZ01"]

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["WJZ01", "危急值报告制度检查表", "危急值报告制度", "1", "接获危急值即登记", 10, "每缺一项扣 2 分"])
    ws.append(["WJZ01", "危急值报告制度检查表", "危急值报告制度", "2", "6 小时内处置记录", "十分", ""])
    ws.append(["X1", "某表", "不存在的制度", "1", "内容", 5, ""])
    out = io.BytesIO()
    wb.save(out)
    result = services.checklists_import(institution=h001, data=out.getvalue(), actor=qc)
    rows = {e["row"] for e in result["errors"]}
    assert {3, 4} <= rows and 2 not in rows
    assert result["created"] == [] and not Checklist.objects.filter(institution=h001, code="WJZ01").exists()  # all or nothing
