"""Every inspections page renders on the demo (a year of checks), for the quality office, the department and
the authority, in Chinese and in English; the demo holds what issue 18 asks of it."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from inspections.models import Checklist, Inspection, PlannedCheck, RecordReview
from inspections.workflow import Status
from qms.core.models import Deadline
from rectifications.models import Rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def sup(demo):
    from inspections import demo as inspections_demo
    from staff import demo as staff_demo

    staff_demo.seed(demo)
    inspections_demo.seed(demo)
    return demo


def _client(ctx, name):
    c = Client()
    c.force_login(ctx.users[name])
    return c


def test_the_demo_holds_a_year_of_checks_with_rectifications_in_every_state(sup):
    h001 = sup.institutions["H001"]
    lists = Checklist.objects.filter(institution=h001)
    cores = set(lists.exclude(core_system=None).values_list("core_system__name", flat=True))
    assert {"首诊负责制度", "三级查房制度", "会诊制度", "危急值报告制度", "手术安全核查制度", "病历管理制度"} <= cores
    assert lists.filter(for_records=True).exists()
    done = Inspection.objects.filter(institution=h001, status=Status.COMPLETED)
    months = {(i.inspected_on.year, i.inspected_on.month) for i in done}
    assert len(months) >= 11  # a year of checks
    assert done.filter(tier="department").exists() and done.filter(tier="hospital").exists()
    states = set(Rectification.objects.filter(source_kind="inspection").values_list("status", flat=True))
    assert {"open", "reported", "verified", "reopened"} <= states
    assert Rectification.objects.filter(source_kind="inspection", repeat_of__isnull=False).exists()
    today = timezone.localdate()
    owed = PlannedCheck.objects.filter(institution=h001, inspection=None, cancelled=False, due_on__lt=today)
    assert owed.exists()  # a planned check not done by its date …
    assert Deadline.objects.filter(rule="inspection.planned", object_id=owed.first().pk, done_at=None).exists()
    assert RecordReview.objects.filter(institution=h001).count() >= 80
    assert {"A", "B"} <= set(RecordReview.objects.values_list("grade", flat=True))
    assert RecordReview.objects.filter(rectification__isnull=False).exists()


def test_it_renders_every_page_for_the_quality_office(sup):
    qc = _client(sup, "qc_office")
    insp = Inspection.objects.filter(status=Status.COMPLETED, tier="hospital").first()
    open_one = Inspection.objects.get(status=Status.OPEN)
    checklist = Checklist.objects.get(institution__code="H001", code="SZFZ")
    review = RecordReview.objects.first()
    photo_free = [
        "/inspections/", "/inspections/?tier=department", "/inspections/?status=completed", "/inspections/new/",
        f"/inspections/{insp.pk}/", f"/inspections/{open_one.pk}/", f"/inspections/{open_one.pk}/enter/",
        f"/inspections/{open_one.pk}/enter/?n=3", "/inspections/checklists/", "/inspections/checklists/new/",
        "/inspections/checklists/import/", f"/inspections/checklists/{checklist.pk}/",
        f"/inspections/checklists/{checklist.pk}/edit/", "/inspections/plan/",
        f"/inspections/plan/?year={timezone.localdate().year - 1}", "/inspections/coverage/", "/inspections/analysis/",
        "/inspections/records/", "/inspections/records/?grade=C", "/inspections/records/new/",
        "/inspections/records/stats/", f"/inspections/records/{review.pk}/",
    ]
    for url in photo_free:
        r = qc.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert "Traceback" not in body and "{{" not in body and "{%" not in body, url
    for url in ("/inspections/checklists/export.xlsx", f"/inspections/checklists/{checklist.pk}/export.xlsx"):
        r = qc.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats"), url
    coverage = qc.get("/inspections/coverage/").content.decode()
    assert "首诊负责制度" in coverage and "心血管内科" in coverage
    analysis = qc.get("/inspections/analysis/").content.decode()
    assert "扣分" in analysis


def test_it_renders_the_departments_and_the_authoritys_pages(sup):
    head = _client(sup, "head_cardiology")
    mine = Inspection.objects.filter(department__code="CARD", tier="department").first()
    for url in ("/inspections/", f"/inspections/{mine.pk}/", "/inspections/records/", "/inspections/coverage/"):
        assert head.get(url).status_code == 200, url
    official = _client(sup, "official_lx")
    r = official.get("/inspections/oversight/")
    assert r.status_code == 200
    assert _client(sup, "qc_office").get("/inspections/oversight/").status_code == 404  # the authority's view


def test_it_renders_the_main_pages_in_english(sup):
    qc = _client(sup, "qc_office")
    qc.cookies["django_language"] = "en"
    insp = Inspection.objects.filter(status=Status.COMPLETED).first()
    for url, words in (("/inspections/", "Inspections"), (f"/inspections/{insp.pk}/", "Score"),
                       ("/inspections/coverage/", "Coverage"), ("/inspections/records/", "record")):
        r = qc.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 200, url
        assert words in r.content.decode(), url


def test_a_year_of_demo_checks_leaves_no_planned_check_past_due_unflagged(sup):
    today = timezone.localdate()
    for p in PlannedCheck.objects.filter(inspection=None, cancelled=False, due_on__lt=today - dt.timedelta(days=1)):
        assert Deadline.objects.filter(rule="inspection.planned", object_id=p.pk, done_at=None).exists()


def test_date_inputs_carry_iso_dates_a_browser_accepts(sup):
    """<input type="date"> drops anything but YYYY-MM-DD: the start form's default date must be ISO."""
    import re

    body = _client(sup, "qc_office").get("/inspections/new/").content.decode()
    value = re.search(r'<input type="date" name="inspected_on" value="([^"]*)"', body).group(1)
    assert value == timezone.localdate().isoformat()


def test_the_bulletin_pdf_has_the_supervision_section(sup, settings, tmp_path, django_capture_on_commit_callbacks):
    import subprocess

    from bulletins import services as bulletin_services
    from bulletins.models import Bulletin

    settings.MEDIA_ROOT = tmp_path / "media"
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin, _created = bulletin_services.bulletin_start(
            institution=sup.institutions["H001"], year=first.year, month=first.month, actor=sup.users["qc_office"])
    bulletin = Bulletin.objects.get(pk=bulletin.pk)
    assert bulletin.pdf
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=bulletin.pdf.read(), capture_output=True,
                          check=True).stdout.decode()
    assert "核心制度督查与病历质控" in text
    assert "本月完成质量检查" in text and "院级督查" in text and "甲级病案率" in text


def test_the_committee_agenda_gets_the_worst_findings_and_overdue_rectifications(sup):
    from inspections.extensions import agenda_items

    items = agenda_items(institution=sup.institutions["H001"], department=None, since=None,
                         until=timezone.localdate())
    kinds = {i["kind"] for i in items}
    assert {"inspection_finding", "rectification_overdue"} <= kinds
    assert all(i["title"] and i["url"] for i in items)
