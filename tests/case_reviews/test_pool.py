"""The case pool: idempotent bulk push, Excel with row-level errors, no identity, reads logged, ZB12-3, dossier."""
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from case_reviews import services
from case_reviews.bulletin import zb12_3
from case_reviews.models import Case, CaseAccess
from case_reviews.selectors import physician_dossier
from tests.case_reviews.conftest import rows

pytestmark = pytest.mark.django_db


def test_it_upserts_by_record_number_and_changes_nothing_on_a_resend(demo, personas, api):
    client = api(personas["his_h001"])
    body = {"cases": rows("CARD", 3, "P", died=True)}
    first = client.post("/api/v1/case-pool/", body, format="json")
    assert first.status_code == 200 and first.json()["created"] == 3
    again = client.post("/api/v1/case-pool/", body, format="json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3, "errors": []}
    body["cases"][0]["total_cost"] = "99999.00"
    assert client.post("/api/v1/case-pool/", body, format="json").json()["updated"] == 1
    assert Case.objects.filter(institution__code="H001").count() == 3


def test_it_reports_bad_rows_by_number_and_keeps_the_good_ones(demo, personas, api):
    good = rows("CARD", 1, "G")
    bad = [{**rows("CARD", 1, "X")[0], "department": "NOPE"}, {**rows("CARD", 1, "Y")[0], "patient_name": "张三"}]
    r = api(personas["his_h001"]).post("/api/v1/case-pool/", good + bad, format="json")
    data = r.json()
    assert data["created"] == 1 and [e["row"] for e in data["errors"]] == [2, 3]
    assert "department" in data["errors"][0]["errors"] and "non_field_errors" in data["errors"][1]["errors"]


def test_it_refuses_a_push_from_another_hospitals_account(demo, personas, api):
    r = api(personas["qc_office_h002"]).post("/api/v1/case-pool/", {"institution": "H001", "cases": rows("CARD", 1, "Q")}, format="json")
    assert r.status_code in (400, 403) and not Case.objects.exists()


def test_it_imports_excel_with_the_sheets_own_line_numbers(demo, personas):
    wb = Workbook()
    ws = wb.active
    ws.append(["病案号", "科室代码", "主治医师工号", "入院日期", "出院日期", "死亡", "住院总费用"])
    ws.append(["E1", "CARD", "D0101", "2026-10-01", "2026-10-09", "是", 30000])
    ws.append(["E2", "CARD", "D0101", "2026-10-01", "bad", "否", 1000])
    buf = io.BytesIO()
    wb.save(buf)
    result = services.case_pool_import_xlsx(institution=demo.institutions["H001"], data=buf.getvalue(), actor=personas["qc_office"])
    assert result["created"] == 1 and result["errors"][0]["row"] == 3 and "discharged_on" in result["errors"][0]["errors"]
    case = Case.objects.get(record_number="E1")
    assert case.died and case.died_on == dt.date(2026, 10, 9) and case.source == "excel"


def test_it_logs_every_read_of_case_data(demo, personas, api):
    services.case_pool_upsert(institution=demo.institutions["H001"], rows=rows("CARD", 2, "L"), actor=personas["qc_office"])
    api(personas["qc_office"]).get("/api/v1/case-pool/")
    log = CaseAccess.objects.get(user=personas["qc_office"])
    assert log.count == 2 and sorted(log.record_numbers) == ["L0000", "L0001"]
    assert api(personas["qc_office_h002"]).get("/api/v1/case-pool/").json()["count"] == 0


def test_it_computes_zb12_3_from_discussions_within_a_week(demo, personas):
    h1 = demo.institutions["H001"]
    died = timezone.localdate().replace(day=1) - dt.timedelta(days=20)
    services.case_pool_upsert(institution=h1, rows=[
        {**r, "died_on": str(died), "admitted_on": str(died - dt.timedelta(days=3)), "discharged_on": str(died)}
        for r in rows("CARD", 3, "M", died=True)], actor=personas["qc_office"])
    a, b, _c = Case.objects.order_by("record_number")
    services.case_death_discussion_record(case=a, discussed_on=died + dt.timedelta(days=7), note="", actor=personas["qc_office"])
    services.case_death_discussion_record(case=b, discussed_on=died + dt.timedelta(days=8), note="", actor=personas["qc_office"])
    assert zb12_3(institution=h1, department=None, period=died.replace(day=1)) == (1, 3)
    assert zb12_3(institution=demo.institutions["H002"], department=None, period=died.replace(day=1)) is None


def test_it_gives_a_physicians_volumes_to_the_dossier(demo, personas):
    from staff.models import Staff

    h1 = demo.institutions["H001"]
    staff = Staff.objects.create(institution=h1, code="D0101", name="张明", profession="physician", title="senior")
    services.case_pool_upsert(institution=h1, rows=rows("CARD", 4, "V", died=True, restricted_technologies=["T01"])
                              + rows("CARD", 2, "W", grade4_surgery=True), actor=personas["qc_office"])
    lines = {x["label"]: x["value"] for x in physician_dossier(staff=staff, item=type("I", (), {"code": "T01"})())}
    assert lines["病例库出院病例（主治）"] == 6 and lines["其中死亡"] == 4 and lines["其中四级手术"] == 2
    assert lines["开展该项目（T01）例数"] == 4
    assert Case.objects.filter(physician=staff).count() == 6
