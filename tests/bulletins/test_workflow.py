"""The bulletin workflow on the organisation-only demo: bad input, versions, publication freeze, beat."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bulletins import services
from bulletins.models import SECTION_KEYS, Bulletin
from bulletins.workflow import Status
from tests.bulletins.conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(demo, personas, django_capture_on_commit_callbacks):
    """Start a bulletin and run what the commit would enqueue (the task runs eagerly)."""

    def do(year=2025, month=1, code="H001"):
        with django_capture_on_commit_callbacks(execute=True):
            bulletin, created = services.bulletin_start(
                institution=demo.institutions[code], year=year, month=month, actor=personas["qc_office"]
            )
        bulletin.refresh_from_db()
        return bulletin, created

    return do


@pytest.fixture
def commentary(personas, django_capture_on_commit_callbacks):
    def do(bulletin, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            services.bulletin_update_commentary(bulletin=bulletin, actor=personas["qc_office"], **kwargs)
        bulletin.refresh_from_db()
        return bulletin

    return do


def test_it_refuses_a_month_in_the_future(demo, personas):
    today = timezone.localdate()
    nxt = (today.replace(day=28) + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as err:
        services.bulletin_start(institution=demo.institutions["H001"], year=nxt.year, month=nxt.month,
                                actor=personas["qc_office"])
    assert "尚未到来" in str(err.value.message_dict["period"])
    assert not Bulletin.objects.exists()


def test_it_says_so_section_by_section_for_a_month_without_data(start, personas):
    bulletin, created = start(2024, 3)
    assert created and bulletin.status == Status.READY and bulletin.progress == 100
    for key in ("indicators", "events", "meetings", "interviews", "reports"):
        section = bulletin.sections[key]
        assert section["available"] is False, key
        assert section["empty"] in {"本月无数据", "该模块暂无数据"}
    text = pdf_text(bulletin.pdf.read())
    assert text.count("本月无数据") + text.count("该模块暂无数据") >= 5
    assert "下月工作重点" in text


def test_it_makes_a_new_version_of_a_published_month_and_keeps_the_old(start, personas):
    first, _ = start()
    services.bulletin_update_commentary(bulletin=first, actor=personas["qc_office"], foreword="卷首语第一版",
                                        commentary={"summary": "概况评述"})
    first = services.bulletin_publish(bulletin=first, actor=personas["qc_office"])
    old_pdf = first.pdf.read()
    old_checksum = first.pdf_checksum

    second, created = start()
    assert created and second.pk != first.pk
    assert second.version == 2 and second.supersedes_id == first.pk
    assert second.issue_number == "2025年第1期（第2版）"
    assert second.foreword == "卷首语第一版"  # a correction starts from the published words
    services.bulletin_update_commentary(bulletin=second, actor=personas["qc_office"], foreword="更正后的卷首语")
    services.bulletin_publish(bulletin=second, actor=personas["qc_office"])

    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert first.foreword == "卷首语第一版" and first.pdf_checksum == old_checksum
    assert first.pdf.read() == old_pdf
    assert Bulletin.objects.filter(year=2025, month=1).count() == 2


def test_it_reuses_the_open_draft_when_started_twice(start, personas):
    a, created_a = start()
    b, created_b = start()
    assert created_a and not created_b and a.pk == b.pk
    assert Bulletin.objects.count() == 1


def test_it_freezes_a_published_bulletin(start, personas):
    bulletin, _ = start()
    published = services.bulletin_publish(bulletin=bulletin, actor=personas["qc_office"])
    snapshot = published.snapshot
    checksum = published.pdf_checksum
    assert published.published_at and published.published_by == personas["qc_office"]
    assert snapshot == published.sections and set(SECTION_KEYS) <= set(snapshot)
    # no path rewrites it: regeneration is refused, commentary is refused
    assert services.bulletin_generate(bulletin_id=published.pk) is None
    with pytest.raises(ValidationError):
        services.bulletin_update_commentary(bulletin=published, actor=personas["qc_office"], foreword="改")
    with pytest.raises(ValidationError):
        services.bulletin_publish(bulletin=published, actor=personas["qc_office"])
    published.refresh_from_db()
    assert published.snapshot == snapshot and published.pdf_checksum == checksum


def test_it_puts_commentary_and_foreword_in_the_pdf(start, commentary, personas):
    bulletin, _ = start()
    bulletin = commentary(bulletin, foreword="本期重点关注围手术期安全。",
                          commentary={"events": "不良事件上报积极性有待提高。"})
    assert bulletin.status == Status.READY
    text = pdf_text(bulletin.pdf.read())
    assert "本期重点关注围手术期安全。" in text and "不良事件上报积极性有待提高。" in text
    with pytest.raises(ValidationError) as err:
        services.bulletin_update_commentary(bulletin=bulletin, actor=personas["qc_office"],
                                            commentary={"nonsense": "x"})
    assert "未知的部分" in str(err.value)


def test_it_prints_cover_contents_and_page_numbers(start, personas):
    bulletin, _ = start(2025, 11)
    data = bulletin.pdf.read()
    assert pdf_pages(data) == bulletin.pdf_pages and bulletin.pdf_pages >= 9
    cover = pdf_text(data, first=1, last=1)
    assert "济南市第一人民医院" in cover and "质量安全月刊" in cover and "2025年第11期" in cover
    contents = pdf_text(data, first=2, last=2)
    pages = {}
    for line in contents.splitlines():
        for title in ("本月概况", "医疗质量指标", "不良事件", "会议", "约谈", "科室质量月报", "下月工作重点"):
            if title in line:
                pages[title] = int(line.rstrip().split(".")[-1].strip())
    assert len(pages) == 7
    # each chapter starts on the page the contents give
    for title, page in pages.items():
        assert title in pdf_text(data, first=page, last=page)
    assert f"第3页/共{bulletin.pdf_pages}页" in pdf_text(data, first=3, last=3).replace(" ", "")


def test_it_drafts_last_month_once_for_every_active_hospital(demo, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.bulletin_draft_monthly(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.bulletin_draft_monthly(today=today)
    assert len(first) == 2 and again == []
    prev = today.replace(day=1) - dt.timedelta(days=1)
    assert set(Bulletin.objects.values_list("year", "month")) == {(prev.year, prev.month)}
    assert all(b.status == Status.READY for b in Bulletin.objects.all())


def test_it_has_a_monthly_beat_entry_in_shanghai_time(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="bulletins.draft_monthly")
    assert task.enabled and task.crontab.day_of_month == "3"
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_it_records_failure_and_lets_it_be_retried(start, monkeypatch):
    from bulletins import services as svc

    def boom(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(svc, "_render", boom)
    bulletin, _ = start()
    assert bulletin.status == Status.FAILED and "字体缺失" in bulletin.error
    monkeypatch.undo()
    again, created = start()
    assert not created and again.pk == bulletin.pk and again.status == Status.READY
