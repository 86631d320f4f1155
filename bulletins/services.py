"""Writes of the bulletin workflow (质量安全月刊, Art. 12; SPEC §7)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from bulletins import gather
from bulletins.models import SECTION_KEYS, Bulletin
from bulletins.workflow import EDITABLE, TRANSITIONS, Status
from organizations.models import Institution
from qms.core.workflow import transition
from qms.pdf import checksum

logger = logging.getLogger(__name__)

# A generation whose worker died is taken over after this long.
STALE_GENERATION = dt.timedelta(minutes=15)
MAX_COMMENTARY = 5000


def _check_period(year: int, month: int) -> None:
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        raise ValidationError({"period": ["期间格式应为 YYYY-MM，月份 01–12。"]})
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError({"period": [f"{year}年{month}月尚未到来，不能编制该月的质量安全月刊（第十二条按月编印）。"]})


def bulletin_start(
    *, institution: Institution, year: int, month: int, actor: Any = None, only_if_absent: bool = False
) -> tuple[Bulletin, bool]:
    """Start (or restart) the bulletin of a month and enqueue its generation.

    Returns (bulletin, created). An unpublished draft of the month is reused and regenerated; a month already
    published gets a new version (a correction), the published one is kept untouched. With only_if_absent (the
    monthly beat) a month that has any bulletin is left alone, so running the beat twice drafts nothing twice.
    """
    _check_period(year, month)
    with transaction.atomic():
        # Lock the hospital row: two concurrent starts of one month must not both create a version.
        Institution.objects.select_for_update().filter(pk=institution.pk).first()
        existing = Bulletin.objects.filter(institution=institution, year=year, month=month)
        latest = existing.order_by("-version").first() if only_if_absent else None
        if latest is not None:
            return latest, False
        draft = existing.filter(status__in=[Status.DRAFT, Status.GENERATING, Status.READY, Status.FAILED]).first()
        if draft is not None:
            _enqueue(draft.pk)
            return draft, False
        last = existing.aggregate(v=Max("version"))["v"]
        published = existing.filter(status=Status.PUBLISHED).order_by("-version").first()
        bulletin = Bulletin.objects.create(
            institution=institution,
            year=year,
            month=month,
            version=(last or 0) + 1,
            supersedes=published,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            # A correction starts from the published issue's words: the office corrects, not rewrites.
            foreword=published.foreword if published else "",
            commentary=dict(published.commentary) if published else {},
            step="等待生成",
        )
        transition(
            bulletin, None, table=TRANSITIONS, actor=actor, action="bulletin.drafted", created=True,
            reason=f"更正 {published.issue_number}" if published else "",
            data={"period": bulletin.period, "version": bulletin.version},
        )
        _enqueue(bulletin.pk)
    return bulletin, True


GENERATE_TASK = "bulletins.tasks.bulletin_generate_task"
RENDER_TASK = "bulletins.tasks.bulletin_render_task"


def _enqueue(bulletin_id: int) -> None:
    """Through the outbox, in the caller's transaction (issue 13 item 6): a dead broker keeps the work pending
    for the periodic re-send instead of failing the request; the task claims the draft, so a re-send after a
    delivery runs it once."""
    from qms.notifications.services import outbox_enqueue

    outbox_enqueue(task=GENERATE_TASK, args=[bulletin_id])


def _progress(bulletin_id: int, percent: int, text: str) -> None:
    # Its own autocommit write, outside any transaction, so that the progress page sees it at once.
    Bulletin.objects.filter(pk=bulletin_id).update(progress=percent, step=text[:100], updated_at=timezone.now())


def _claim(bulletin_id: int) -> Bulletin | None:
    """Take the generation: a conditional update, so a task delivered twice runs once."""
    stale = timezone.now() - STALE_GENERATION
    claimable = Q(status__in=[Status.DRAFT, Status.READY, Status.FAILED]) | Q(
        status=Status.GENERATING, updated_at__lt=stale
    )
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().filter(pk=bulletin_id).filter(claimable).first()
        if bulletin is None:
            return None
        bulletin.progress = 1
        bulletin.step = "开始汇总数据"
        bulletin.error = ""
        transition(bulletin, Status.GENERATING, table=TRANSITIONS, actor=None, action="bulletin.generating",
                   fields=("progress", "step", "error"))
    return bulletin


def bulletin_generate(*, bulletin_id: int, regather: bool = True) -> Bulletin | None:
    """Gather the month's data step by step (updating the progress), then render the draft PDF.

    Not one transaction on purpose: each progress step is committed so that the progress bar moves.
    """
    bulletin = _claim(bulletin_id)
    if bulletin is None:
        return None
    timings: dict[str, float] = {}
    try:
        import time

        t0 = time.perf_counter()
        if regather or not bulletin.sections:
            sections = gather.gather_all(
                bulletin.institution, bulletin.year, bulletin.month,
                on_step=lambda p, text: _progress(bulletin.pk, p, text),
            )
            bulletin.sections = sections
            bulletin.gathered_at = timezone.now()
        timings["gather"] = time.perf_counter() - t0
        _progress(bulletin.pk, 80, "排版生成 PDF")
        t1 = time.perf_counter()
        rendered = _render(bulletin, bulletin.sections)
        timings["render"] = time.perf_counter() - t1
        with transaction.atomic():
            _store_pdf(bulletin, rendered)
            bulletin.progress = 100
            bulletin.step = "已生成，待发布"
            bulletin.save()  # the gathered sections and the PDF
            transition(bulletin, Status.READY, table=TRANSITIONS, actor=None, action="bulletin.generated",
                       data={"seconds": {k: round(v, 2) for k, v in timings.items()}})
    except Exception as exc:
        logger.exception("bulletin %s generation failed", bulletin_id)
        with transaction.atomic():
            failed = Bulletin.objects.select_for_update().get(pk=bulletin_id)
            failed.step, failed.error = "生成失败", str(exc)[:2000]
            transition(failed, Status.FAILED, table=TRANSITIONS, actor=None, action="bulletin.failed",
                       fields=("step", "error"), reason=str(exc)[:500])
        return None
    bulletin.timings = timings  # type: ignore[attr-defined]
    return bulletin


def _render(bulletin: Bulletin, data: dict[str, Any], issued_on: dt.date | None = None) -> tuple[bytes, int]:
    from bulletins.pdf import render_bulletin_pdf

    return render_bulletin_pdf(bulletin, data, issued_on=issued_on)


def _store_pdf(bulletin: Bulletin, rendered: tuple[bytes, int]) -> None:
    pdf_bytes, pages = rendered
    # Only an unpublished version is ever re-rendered (publication renders once, from READY), so the file
    # replaced here is a draft's, never an archived issue.
    if bulletin.pdf and bulletin.pdf.name:
        bulletin.pdf.storage.delete(bulletin.pdf.name)
    bulletin.pdf.save(f"{bulletin.period}-v{bulletin.version}.pdf", ContentFile(pdf_bytes), save=False)
    bulletin.pdf_checksum = checksum(pdf_bytes)
    bulletin.pdf_pages = pages


def bulletin_update_commentary(
    *, bulletin: Bulletin, actor: Any, foreword: str | None = None, commentary: dict[str, str] | None = None
) -> Bulletin:
    """The quality office's words: a foreword and one commentary per section. Re-renders the draft PDF."""
    errors: dict[str, list[str]] = {}
    if commentary is not None:
        if not isinstance(commentary, dict):
            errors["commentary"] = ["评述应为“部分 → 文字”的对象。"]
        else:
            unknown = sorted(set(commentary) - set(SECTION_KEYS))
            if unknown:
                errors["commentary"] = [f"未知的部分：{'、'.join(unknown)}（可选：{'、'.join(SECTION_KEYS)}）。"]
            elif any(not isinstance(v, str) for v in commentary.values()):
                errors["commentary"] = ["评述应为文字。"]
            elif any(len(v) > MAX_COMMENTARY for v in commentary.values()):
                errors["commentary"] = [f"每部分评述不超过 {MAX_COMMENTARY} 字。"]
    if foreword is not None and (not isinstance(foreword, str) or len(foreword) > MAX_COMMENTARY):
        errors["foreword"] = [f"卷首语应为不超过 {MAX_COMMENTARY} 字的文字。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.status not in EDITABLE:
            raise ValidationError({"non_field_errors": [
                f"本期月刊当前状态为“{locked.get_status_display()}”，不能修改；已发布的月刊须以新版本更正。"
            ]})
        if foreword is not None:
            locked.foreword = foreword.strip()
        if commentary is not None:
            merged = dict(locked.commentary or {})
            merged.update({k: v.strip() for k, v in commentary.items()})
            locked.commentary = {k: v for k, v in merged.items() if v}
        locked.edited_by = actor
        locked.edited_at = timezone.now()
        transition(locked, None, table=TRANSITIONS, actor=actor, action="bulletin.commented",
                   fields=("foreword", "commentary", "edited_by", "edited_at"),
                   data={"sections": sorted((commentary or {}).keys()), "foreword": foreword is not None})
        if locked.status == Status.READY:
            # The draft PDF must show the words just written; the data is not regathered.
            _enqueue_render(locked.pk)
    return locked


def _enqueue_render(bulletin_id: int) -> None:
    from qms.notifications.services import outbox_enqueue

    outbox_enqueue(task=RENDER_TASK, args=[bulletin_id])


def bulletin_publish(*, bulletin: Bulletin, actor: Any) -> Bulletin:
    """Freeze the issue: the data the office reviewed becomes the snapshot; the final PDF is stored with its
    checksum (DESIGN "Frozen documents"). A newer version supersedes the one it corrects."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update(of=("self",)).select_related("institution", "supersedes").get(pk=bulletin.pk)
        if Status.PUBLISHED not in TRANSITIONS[locked.status]:
            raise ValidationError({"non_field_errors": [
                f"本期月刊当前状态为“{locked.get_status_display()}”，只有已生成、待发布的月刊可以发布。"
            ]})
        now = timezone.now()
        locked.published_at = now
        locked.published_by = actor
        locked.snapshot = locked.sections
        rendered = _render(locked, locked.snapshot, issued_on=timezone.localdate(now))
        _store_pdf(locked, rendered)
        locked.progress = 100
        locked.step = "已发布"
        locked.save()  # the snapshot and the final PDF
        transition(locked, Status.PUBLISHED, table=TRANSITIONS, actor=actor, action="bulletin.published",
                   data={"checksum": locked.pdf_checksum, "pages": locked.pdf_pages})
        older = Bulletin.objects.select_for_update().filter(
            institution=locked.institution, year=locked.year, month=locked.month, status=Status.PUBLISHED
        ).exclude(pk=locked.pk)
        for old in older:
            transition(old, Status.SUPERSEDED, table=TRANSITIONS, actor=actor, action="bulletin.superseded",
                       reason=f"由 {locked.issue_number} 更正")
    return locked


def bulletin_render(*, bulletin_id: int) -> Bulletin | None:
    """Re-render a ready draft after its commentary changed (the data stays as gathered)."""
    return bulletin_generate(bulletin_id=bulletin_id, regather=False)


def bulletin_draft_monthly(*, today: dt.date | None = None) -> list[int]:
    """The monthly pass (SPEC §9): draft last month's bulletin for every active hospital."""
    today = today or timezone.localdate()
    year, month = gather.shift_month(today.year, today.month, -1)
    created = []
    for institution in Institution.objects.filter(is_active=True).order_by("code"):
        try:
            bulletin, was_created = bulletin_start(institution=institution, year=year, month=month,
                                                   only_if_absent=True)
        except IntegrityError:  # a concurrent run drafted it first
            continue
        if was_created:
            created.append(bulletin.pk)
    return created
