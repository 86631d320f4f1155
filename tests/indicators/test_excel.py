import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from indicators.excel import HEADER
from indicators.models import ImportBatch, IndicatorValue

pytestmark = pytest.mark.django_db


def _xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("values.xlsx", buf.getvalue())


def test_it_downloads_a_template_that_reads_back(demo, client, personas):
    client.force_login(personas["qc_office"])
    r = client.get("/indicators/import/template.xlsx?institution=H001")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == HEADER
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "ZB03" in codes and "CY" in codes and "ZB09" not in codes  # ZB09 is computed


def test_it_stages_good_rows_reports_bad_ones_and_imports_only_on_confirmation(demo, client, personas, period):
    client.force_login(personas["qc_office"])
    upload = _xlsx([
        ["ZB03", "非计划重返手术室再手术率", "H001", "", period, 3, 2500],
        ["ZB05", "", "H001", "CARD", period, 20, 210],
        ["ZB03", "", "H001", "", period, 5, 0],
        ["ZB06", "", "H001", "", period, -1, 100],
        ["ZB99", "", "H001", "", period, 1, 2],
        ["ZB08", "", "H001", "", "2999-01", 1, 2],
        ["ZB11-1", "", "H001", "", period, 120, 100],
    ])
    r = client.post("/indicators/import/?institution=H001", {"file": upload})
    assert r.status_code == 302
    batch = ImportBatch.objects.get()
    assert [row["row"] for row in batch.rows] == [2, 3]
    assert [(e["row"]) for e in batch.errors] == [4, 5, 6, 7, 8]
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert "分母不能为 0" in messages[4] and "负数" in messages[5] and "未知的指标" in messages[6]
    assert "未来月份" in messages[7] and "不能大于分母" in messages[8]
    assert not IndicatorValue.objects.exists()  # nothing before confirmation
    page = client.get(f"/indicators/import/{batch.pk}/")
    assert "第 4 行" in page.content.decode()
    r = client.post(f"/indicators/import/{batch.pk}/", {"action": "confirm"})
    assert r.status_code == 302
    assert IndicatorValue.objects.filter(source="excel").count() == 2
    assert client.post(f"/indicators/import/{batch.pk}/", {"action": "confirm"}).status_code == 200  # once only
    assert IndicatorValue.objects.count() == 2


def test_it_imports_nothing_when_a_row_fails_at_confirmation(demo, client, personas, period):
    from indicators.models import Indicator

    client.force_login(personas["qc_office"])
    client.post("/indicators/import/?institution=H001", {"file": _xlsx([
        ["ZB03", "", "H001", "", period, 3, 2500], ["ZB05", "", "H001", "", period, 3, 250]])})
    batch = ImportBatch.objects.get()
    Indicator.objects.filter(code="ZB05").update(is_active=False)  # the catalogue changed meanwhile
    r = client.post(f"/indicators/import/{batch.pk}/", {"action": "confirm"})
    assert r.status_code == 200 and "未导入任何数据" in r.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("content,text", [
    (b"%PDF-1.4 not a workbook", "不是 Excel 工作簿"),
    (b"PK\x03\x04 broken zip", "不是 Excel 工作簿"),
    ("指标编码,分子\nZB03,1".encode(), "不是 Excel 工作簿"),
])
def test_it_refuses_a_file_that_is_not_a_workbook(demo, client, personas, content, text):
    client.force_login(personas["qc_office"])
    r = client.post("/indicators/import/?institution=H001", {"file": SimpleUploadedFile("x.xlsx", content)})
    assert r.status_code == 200 and text in r.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_workbook_with_a_wrong_column(demo, client, personas, period):
    client.force_login(personas["qc_office"])
    header = list(HEADER)
    header[5] = "数值"
    r = client.post("/indicators/import/?institution=H001", {"file": _xlsx([["ZB03", "", "H001", "", period, 1, 2]], header)})
    page = r.content.decode()
    assert r.status_code == 200 and "第 1 行 F 列应为“分子”，实际为“数值”" in page
    assert not ImportBatch.objects.exists() and not IndicatorValue.objects.exists()


def test_only_the_hospitals_writers_may_import_and_rows_of_other_hospitals_are_refused(demo, client, personas, period):
    client.force_login(personas["head_cardiology"])
    assert client.get("/indicators/import/?institution=H001").status_code == 403  # sees its department, not a writer
    client.force_login(personas["official_jn"])
    assert client.get("/indicators/import/?institution=H001").status_code == 403
    client.force_login(personas["qc_office"])
    client.post("/indicators/import/?institution=H001", {"file": _xlsx([["ZB03", "", "H002", "", period, 1, 200]])})
    assert "只能导入本机构" in ImportBatch.objects.get().errors[0]["message"]


def test_it_exports_the_table_to_excel(demo, client, personas, last_month):
    from indicators import services

    services.indicator_value_record(indicator="ZB03", institution="H001", period=last_month, numerator=3,
                                    denominator=2000, actor=personas["qc_office"])
    client.force_login(personas["qc_office"])
    r = client.get(f"/indicators/export.xlsx?institution=H001&period={last_month:%Y-%m}")
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "ZB03" and rows[1][7] == 1.5 and rows[1][9] == "≤1.8‰"
    client.force_login(personas["qc_office_h002"])
    assert client.get("/indicators/export.xlsx?institution=H001").status_code == 404
