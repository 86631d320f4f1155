"""Pages, the Excel export and the archive PDF, on the full demo."""
import io

import pytest
from django.test import Client

from credentialing.models import Privilege, PrivilegeItem
from staff.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def qc(full_demo):
    c = Client()
    c.force_login(full_demo.users["qc_office"])
    return c


def test_it_renders_every_page(qc, full_demo):
    p = Privilege.objects.filter(institution__code="H001", status="pending").first()
    item = PrivilegeItem.objects.get(institution__code="H001", code="T-TAVR")
    staff = Staff.objects.get(institution__code="H001", code="D0101")
    for url in ("/credentialing/", "/credentialing/?lapsed=1", "/credentialing/?expiring=90&department=CARD",
                "/credentialing/items/", f"/credentialing/items/{item.pk}/", f"/credentialing/privileges/{p.pk}/",
                f"/credentialing/archive/{staff.pk}/", "/credentialing/grid/", "/credentialing/emergency/",
                "/credentialing/apply/", "/staff/", "/staff/?q=张"):
        r = qc.get(url)
        assert r.status_code == 200, url
    assert "张明" in qc.get("/credentialing/grid/").content.decode()


def test_it_lists_a_department_in_every_state(qc):
    body = qc.get("/credentialing/?department=CARD").content.decode()
    for status in ("active", "pending", "suspended", "restored", "revoked", "expired", "rejected"):
        assert f'data-status="{status}"' in body, status


def test_it_exports_the_filtered_list_to_excel(qc):
    from openpyxl import load_workbook

    r = qc.get("/credentialing/?department=CARD&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A2"].value == "科室" and ws.max_row > 10
    assert {row[0] for row in ws.iter_rows(min_row=3, values_only=True)} == {"心血管内科"}


def test_it_prints_the_archive_pdf(qc):
    staff = Staff.objects.get(institution__code="H001", code="D0101")
    r = qc.get(f"/credentialing/archive/{staff.pk}/pdf/")
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    import subprocess

    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    assert "医疗技术临床应用管理档案" in text and "张明" in text and "经皮冠状动脉介入治疗" in text


def test_it_hides_another_hospitals_archive(full_demo):
    c = Client()
    c.force_login(full_demo.users["qc_office_h002"])
    staff = Staff.objects.get(institution__code="H001", code="D0101")
    assert c.get(f"/credentialing/archive/{staff.pk}/").status_code == 404
    assert c.get(f"/credentialing/archive/{staff.pk}/pdf/").status_code == 404


def test_it_keeps_what_was_typed_on_a_refused_application(qc):
    staff = Staff.objects.get(institution__code="H001", code="D0103")
    item = PrivilegeItem.objects.get(institution__code="H001", code="ABX-S")
    r = qc.post("/credentialing/apply/", {"staff": staff.pk, "item": item.pk, "valid_from": "2026-12-02",
                                          "valid_until": "2027-12-01", "basis": "我的依据文字", "training_passed": "on"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "第二十四条" in body and "我的依据文字" in body
