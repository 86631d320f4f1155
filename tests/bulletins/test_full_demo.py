"""The bulletin of last month from the whole demo: its text matches the data, and publishing freezes it."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bulletins import services
from bulletins.models import Bulletin
from bulletins.workflow import Status
from tests.bulletins.conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _events_in(institution, year, month):
    from adverse_events.models import AdverseEvent

    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return AdverseEvent.objects.filter(institution=institution, reported_at__gte=start, reported_at__lt=end).exclude(
        status="withdrawn")


def _add_event(institution, year, month, day=15):
    """One more report in the month: a copy of a demo event (the data changes under the bulletin)."""
    from adverse_events.models import AdverseEvent

    event = AdverseEvent.objects.filter(institution=institution).exclude(status="withdrawn").first()
    event.pk = None
    event.receipt_code = f"T{AdverseEvent.objects.count():09d}"
    event.reported_at = dt.datetime(year, month, day, 10, tzinfo=SHANGHAI)
    event.save()
    return event


def test_it_prints_last_months_numbers_and_freezes_them_on_publication(
    full_demo, last_month, django_capture_on_commit_callbacks
):
    year, month = last_month
    h001 = full_demo.institutions["H001"]
    qc = full_demo.users["qc_office"]
    _add_event(h001, year, month)
    expected = _events_in(h001, year, month).count()
    with django_capture_on_commit_callbacks(execute=True):
        bulletin, _ = services.bulletin_start(institution=h001, year=year, month=month, actor=qc)
    bulletin.refresh_from_db()
    assert bulletin.status == Status.READY, bulletin.error
    data = bulletin.pdf.read()
    text = pdf_text(data)
    flat = text.replace(" ", "")

    for title in ("本月概况", "医疗质量指标", "医疗质量（安全）不良事件", "委员会及科室会议", "约谈及整改情况",
                  "科室质量月报", "下月工作重点"):
        assert title in text
    assert f"本月共上报医疗质量（安全）不良事件{expected}例" in flat
    assert bulletin.sections["events"]["total"] == expected
    from indicators.selectors import month_table

    rows = month_table(institution_id=h001.pk, year=year, month=month)
    assert f"本月监测指标{len(rows)}项" in flat
    red = [r for r in rows if r["light"] == "red"]
    for r in red:
        assert r["name"][:8] in flat  # each missed indicator is named (table, chart title, focus)
    assert len(bulletin.sections["indicators"]["charts"]) == len([r for r in rows if r["light"] in ("red", "amber")])
    assert pdf_pages(data) == bulletin.pdf_pages

    published = services.bulletin_publish(bulletin=bulletin, actor=qc)
    frozen_pdf = published.pdf.read()
    frozen_sections = published.snapshot

    _add_event(h001, year, month, day=20)  # the data changes after publication
    published.refresh_from_db()
    assert published.snapshot == frozen_sections and published.pdf.read() == frozen_pdf
    assert f"不良事件{expected}例" in pdf_text(frozen_pdf).replace(" ", "")

    with django_capture_on_commit_callbacks(execute=True):
        correction, created = services.bulletin_start(institution=h001, year=year, month=month, actor=qc)
    correction.refresh_from_db()
    assert created and correction.version == 2
    assert correction.sections["events"]["total"] == expected + 1
    assert Bulletin.objects.get(pk=published.pk).status == Status.PUBLISHED
