"""The deadline pass: one read of the open Deadline rows, recipients loaded in bulk, one transaction per rule.

Queries: a constant number per rule (read back the batch, bulk-insert notifications and e-mails, record
progress) plus about ten for the whole pass; none per item. The hour-scale rows (due_at: the 12-hour and
2-hour 医疗质量安全事件 reports) are read by the hourly pass, the day-scale ones (due_on) by the daily pass.

Exactly once: every notification row is its own claim (unique object, rule, recipient, period). A pass that
fails half-way has committed the rules before the failure; the next run inserts only what is missing.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms import workdays
from qms.core.models import Deadline
from qms.extensions import MEETING_GAP_SOURCES, PERIODIC_DUTIES
from qms.notifications import rules as R
from qms.notifications.models import Notification, PassRun
from qms.notifications.services import Note, notifications_write, outbox_kick

# Sent before each step of a pass (run=PassRun, step=rule name): progress observers hook in here, and the
# integration tests slow a pass down through it to kill a worker in the middle.
pass_step_started = Signal()

logger = logging.getLogger(__name__)

MEETING_STEP = "meeting.missing"


class Row(NamedTuple):
    id: int
    content_type_id: int
    object_id: int
    rule: str
    label: str
    article: str
    institution_id: int | None
    department_id: int | None
    authority_id: int | None
    responsible_id: int | None
    due_on: dt.date | None
    due_at: dt.datetime | None
    confirmed: bool
    url: str


FIELDS = list(Row._fields)


@dataclass
class Directory:
    """Who holds which post, for every place the pass touches: loaded with a fixed number of queries."""

    inst_authority: dict[int, int | None] = field(default_factory=dict)
    inst_principal: dict[int, int | None] = field(default_factory=dict)
    inst_chair: dict[int, int | None] = field(default_factory=dict)
    inst_quality: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    inst_deputies: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    dept_head: dict[int, int | None] = field(default_factory=dict)
    auth_parent: dict[int, int | None] = field(default_factory=dict)
    auth_officials: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    active: set[int] = field(default_factory=set)
    emails: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        institution_ids: Iterable[int],
        department_ids: Iterable[int] = (),
        authority_ids: Iterable[int] = (),
        user_ids: Iterable[int] = (),
    ) -> Directory:
        from organizations.models import Authority, Department, Institution, Membership, QualityCommittee

        d = cls()
        inst_ids = set(institution_ids)
        for iid, aid, pid in Institution.objects.filter(pk__in=inst_ids).values_list("id", "authority_id", "principal_id"):
            d.inst_authority[iid] = aid
            d.inst_principal[iid] = pid
        d.inst_chair = dict(QualityCommittee.objects.filter(institution_id__in=inst_ids).values_list("institution_id", "chair_id"))
        for iid, uid, role in Membership.objects.filter(
            role__in=[Membership.Role.QUALITY_OFFICE, Membership.Role.DEPUTY], is_active=True, institution_id__in=inst_ids
        ).values_list("institution_id", "user_id", "role"):
            (d.inst_quality if role == Membership.Role.QUALITY_OFFICE else d.inst_deputies)[iid].append(uid)
        d.dept_head = dict(Department.objects.filter(pk__in=set(department_ids)).values_list("id", "head_id"))
        auth_ids = set(authority_ids) | {a for a in d.inst_authority.values() if a}
        d.auth_parent = dict(Authority.objects.filter(pk__in=auth_ids).values_list("id", "parent_id"))
        all_auth = auth_ids | {p for p in d.auth_parent.values() if p}
        for aid, uid in Membership.objects.filter(
            role=Membership.Role.OFFICIAL, is_active=True, authority_id__in=all_auth
        ).values_list("authority_id", "user_id"):
            d.auth_officials[aid].append(uid)
        candidates = set(user_ids)
        candidates.update(u for u in d.inst_principal.values() if u)
        candidates.update(u for u in d.inst_chair.values() if u)
        candidates.update(u for u in d.dept_head.values() if u)
        for users in (*d.inst_quality.values(), *d.inst_deputies.values(), *d.auth_officials.values()):
            candidates.update(users)
        for uid, email in get_user_model().objects.filter(pk__in=candidates, is_active=True).values_list("id", "email"):
            d.active.add(uid)
            if email:
                d.emails[uid] = email
        return d

    def resolve(
        self,
        kinds: Iterable[str],
        *,
        institution_id: int | None,
        department_id: int | None = None,
        authority_id: int | None = None,
        responsible_id: int | None = None,
    ) -> list[int]:
        authority_id = authority_id or (self.inst_authority.get(institution_id) if institution_id else None)
        out: set[int] = set()
        for kind in kinds:
            if kind == R.RESPONSIBLE:
                if responsible_id:
                    out.add(responsible_id)
            elif kind == R.DEPARTMENT_HEAD:
                head = self.dept_head.get(department_id) if department_id else None
                if head:
                    out.add(head)
            elif kind == R.QUALITY_OFFICE:
                out.update(self.inst_quality.get(institution_id, ()) if institution_id else ())
            elif kind == R.DEPUTIES:
                out.update(self.inst_deputies.get(institution_id, ()) if institution_id else ())
            elif kind == R.PRINCIPAL:
                if institution_id and (principal := self.inst_principal.get(institution_id)):
                    out.add(principal)
            elif kind == R.COMMITTEE_CHAIR:
                if institution_id and (chair := self.inst_chair.get(institution_id)):
                    out.add(chair)
            elif kind == R.OFFICIALS:
                out.update(self.auth_officials.get(authority_id, ()) if authority_id else ())
            elif kind == R.PARENT_OFFICIALS:
                parent = self.auth_parent.get(authority_id) if authority_id else None
                out.update(self.auth_officials.get(parent, ()) if parent else ())
        out &= self.active
        if not out and R.PARENT_OFFICIALS not in kinds:
            # Nobody named on the row (no responsible person, no head): the hospital's quality office is
            # told rather than nobody.
            out = set(self.inst_quality.get(institution_id, ()) if institution_id else ()) & self.active
        return sorted(out)


# A reminder's texts. The pass writes them in the language active then (Chinese, the product's); the inbox
# formats them again in the reader's from the parameters stored with each reminder (moments.display).
DEADLINE_TEXTS = {
    "soon": gettext_noop("%(label)s：%(name)s，依据%(article)s，截止%(date)s%(unconfirmed)s。请在截止前办理。"),
    "today": gettext_noop("%(label)s：%(name)s，依据%(article)s，截止%(date)s（今天到期）%(unconfirmed)s。请今天内办理。"),
    "overdue": gettext_noop("%(label)s：%(name)s，依据%(article)s，截止%(date)s%(unconfirmed)s，已逾期%(late)s，请尽快办理。"),
    "escalate": gettext_noop(
        "%(label)s：%(name)s，依据%(article)s，截止%(date)s%(unconfirmed)s，已逾期%(late)s仍未完成。%(why)s（%(esc_article)s）。"
    ),
}
UNCONFIRMED_TEXT = gettext_noop("（该年度节假日安排未公布，按周一至周五推算，未确认）")
STAGE_WORDS: dict[str, str] = {
    Notification.Stage.SOON: gettext_noop("即将到期"),
    Notification.Stage.OVERDUE: gettext_noop("已逾期"),
    Notification.Stage.ESCALATED: gettext_noop("逾期上报"),
}
TITLE_TEXT = gettext_noop("【%(stage)s】%(label)s")
LATE_UNITS = {"d": gettext_noop("%(n)s天"), "h": gettext_noop("%(n)s小时")}


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _cn_datetime(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{_cn_date(local.date())} {local:%H:%M}"


def escalation_limit(today: dt.date, n: int) -> dt.date:
    """The latest due date that is at least n working days overdue today (n=0: any overdue date)."""
    day = today - dt.timedelta(days=1)
    while n and workdays.workdays_between(day, today)[0] < n:
        day -= dt.timedelta(days=1)
    return day


@dataclass
class Clock:
    kind: str
    today: dt.date
    now: dt.datetime
    soon_date: dt.date
    soon_at: dt.datetime
    repeat_days: int
    repeat_hours: int
    _limits: dict[int, dt.date] = field(default_factory=dict)

    def limit(self, n: int) -> dt.date:
        if n not in self._limits:
            self._limits[n] = escalation_limit(self.today, n)
        return self._limits[n]


def build_notifications(rule: str, rows: list[Row], directory: Directory, clock: Clock) -> list[Note]:
    """The notifications one rule's due rows call for today (before the claim decides which are new)."""
    spec = R.rule_spec(rule)
    soon_text, today_text, overdue_text, escalate_text = (_(DEADLINE_TEXTS[k]) for k in DEADLINE_TEXTS)
    unconfirmed_text = _(UNCONFIRMED_TEXT)
    stage_word: dict[str, str] = {k: _(v) for k, v in STAGE_WORDS.items()}
    days_fmt, hours_fmt = _(LATE_UNITS["d"]), _(LATE_UNITS["h"])  # once per rule, not per row
    template_keys = {soon_text: "soon", today_text: "today", overdue_text: "overdue", escalate_text: "escalate"}
    esc_limit = clock.limit(R.escalate_after(spec)) if spec.escalate else None
    notes: list[Note] = []
    for row in rows:
        article = row.article or spec.article
        name = spec.name or row.label
        unconfirmed = "" if row.confirmed else unconfirmed_text
        stages: list[tuple[str, str, tuple[str, ...], str]] = []
        if row.due_on is not None:
            due_key = row.due_on.isoformat()
            date_text = _cn_date(row.due_on)
            late_days = (clock.today - row.due_on).days
            late = days_fmt % {"n": late_days}
            late_n, late_unit = late_days, "d"
            if late_days <= 0:
                text = today_text if late_days == 0 else soon_text
                stages.append((Notification.Stage.SOON, f"soon:{due_key}", spec.remind, text))
            else:
                k = late_days // clock.repeat_days
                stages.append((Notification.Stage.OVERDUE, f"overdue:{due_key}:{k}", spec.overdue, overdue_text))
                if esc_limit is not None and row.due_on <= esc_limit:
                    stages.append((Notification.Stage.ESCALATED, f"escalated:{due_key}", spec.escalate, escalate_text))
        else:
            assert row.due_at is not None
            due_key = row.due_at.isoformat()
            date_text = _cn_datetime(row.due_at)
            late_seconds = (clock.now - row.due_at).total_seconds()
            hours = int(late_seconds // 3600)
            late = hours_fmt % {"n": hours} if hours < 48 else days_fmt % {"n": hours // 24}
            late_n, late_unit = (hours, "h") if hours < 48 else (hours // 24, "d")
            if late_seconds <= 0:
                stages.append((Notification.Stage.SOON, f"soon:{due_key}", spec.remind, soon_text))
            else:
                k = int(late_seconds // (3600 * clock.repeat_hours))
                stages.append((Notification.Stage.OVERDUE, f"overdue:{due_key}:{k}", spec.overdue, overdue_text))
                if spec.escalate:
                    stages.append((Notification.Stage.ESCALATED, f"escalated:{due_key}", spec.escalate, escalate_text))
        okey = f"{row.content_type_id}:{row.object_id}"
        for stage, period, kinds, template in stages:
            # the inbox formats the text again in the reader's language from these (moments.display)
            params = {"kind": "deadline", "text": template_keys[template], "label": row.label, "name": name,
                      "article": article, "due": (row.due_on or row.due_at).isoformat(),  # type: ignore[union-attr]
                      "unconfirmed": not row.confirmed, "late": late_n, "late_unit": late_unit,
                      "why": spec.escalate_text, "esc_article": spec.escalate_article or article}
            body = template % {
                "label": row.label,
                "name": name,
                "article": article,
                "date": date_text,
                "unconfirmed": unconfirmed,
                "late": late,
                "why": spec.escalate_text,
                "esc_article": spec.escalate_article or article,
            }
            title = (_(TITLE_TEXT) % {"stage": stage_word[stage], "label": row.label})[:300]
            for uid in directory.resolve(
                kinds,
                institution_id=row.institution_id,
                department_id=row.department_id,
                authority_id=row.authority_id,
                responsible_id=row.responsible_id,
            ):
                notes.append(
                    Note(
                        recipient_id=uid,
                        object_key=okey,
                        rule=rule,
                        period_key=period,
                        stage=stage,
                        article=article,
                        title=title,
                        body=body,
                        url=row.url,
                        content_type_id=row.content_type_id,
                        object_id=row.object_id,
                        institution_id=row.institution_id,
                        due_on=row.due_on,
                        due_at=row.due_at,
                        params=params,
                    )
                )
    return notes


def missing_meeting_notifications(clock: Clock) -> tuple[list[Note], Directory, dict[int, int]]:
    """Art. 12: every committee and department meets monthly. Once a month is over, a body that held no
    meeting in it is reported to the quality office and the chair (a department's: its head too).

    The committees app owns the grid and registers it (qms.extensions.MEETING_GAP_SOURCES); a source that
    fails is logged and skipped, so the deadline reminders still go out.
    """
    from django.contrib.contenttypes.models import ContentType

    from organizations.models import Institution

    first = clock.today.replace(day=1)
    last_month = first - dt.timedelta(days=1)
    y, m = last_month.year, last_month.month
    institutions = list(Institution.objects.filter(is_active=True).values_list("id", flat=True))
    gaps: list[tuple[int, Any]] = []
    for iid in institutions:
        for source in MEETING_GAP_SOURCES:
            try:
                rows = source(institution_id=iid, year=y, month=m, today=clock.today)
            except Exception:  # noqa: BLE001 - a broken grid must not stop the deadline reminders
                logger.exception("meeting gap source %s failed for institution %s", source.__name__, iid)
                continue
            gaps.extend((iid, row) for row in rows)
    if not gaps:
        return [], Directory(), {}
    dept_ids = [getattr(r.get("body"), "department_id", None) for _, r in gaps]
    directory = Directory.load(institution_ids={i for i, _ in gaps}, department_ids=[d for d in dept_ids if d])
    spec = R.rule_spec(MEETING_STEP)
    notes: list[Note] = []
    found: dict[int, int] = defaultdict(int)
    month_text = f"{y}年{m}月"
    for iid, row in gaps:
        body_obj = row.get("body")
        ct_id = ContentType.objects.get_for_model(body_obj).pk if body_obj is not None else None
        body_id = row.get("body_id")
        dept_id = getattr(body_obj, "department_id", None)
        kinds = spec.remind + ((R.DEPARTMENT_HEAD,) if dept_id else ())
        found[iid] += 1
        text = _("%(body)s %(month)s未召开质量管理会议：%(name)s，依据%(article)s，应每月召开，该月已于%(date)s结束。") % {
            "body": row.get("name", ""),
            "month": month_text,
            "name": spec.name,
            "article": spec.article,
            "date": _cn_date(last_month),
        }
        title = _("【会议缺失】%(body)s %(month)s未召开会议") % {"body": row.get("name", ""), "month": month_text}
        for uid in directory.resolve(kinds, institution_id=iid, department_id=dept_id):
            notes.append(
                Note(
                    recipient_id=uid,
                    object_key=f"{ct_id}:{body_id}" if ct_id else f"meetingbody:{body_id}",
                    rule=MEETING_STEP,
                    period_key=f"{y}-{m:02d}",
                    stage=Notification.Stage.OVERDUE,
                    article=spec.article,
                    title=title,
                    body=text,
                    url="",
                    content_type_id=ct_id,
                    object_id=body_id,
                    institution_id=iid,
                    due_on=last_month,
                )
            )
    return notes, directory, found


def _start(kind: str, today: dt.date | None, run_id: int | None) -> PassRun:
    worker = f"{socket.gethostname()}:{os.getpid()}"
    now = timezone.now()
    if run_id is not None:
        run = PassRun.objects.get(pk=run_id)
        # A rerun (worker lost, acks_late redelivery) starts the counts again; the claims keep it exactly-once.
        PassRun.objects.filter(pk=run.pk).update(
            status=PassRun.Status.RUNNING, started_at=now, attempts=F("attempts") + 1, worker=worker,
            steps_done=0, found=0, notified=0, emailed=0, counts={}, found_by_institution={}, error="",
            today=run.today or today or timezone.localdate(),
        )
        run.refresh_from_db()
        return run
    return PassRun.objects.create(
        kind=kind, status=PassRun.Status.RUNNING, today=today or timezone.localdate(), started_at=now,
        attempts=1, worker=worker,
    )


def _ensure_periodic_duties(today: dt.date) -> None:
    """Duties that exist by the calendar alone, before anyone acts: Art. 51's half-year report of every city
    authority (due 30 June / 31 December), with or without a 约谈 held. Each app registers its own
    (qms.extensions.PERIODIC_DUTIES)."""
    for duty in PERIODIC_DUTIES:
        duty(today=today)


def run_pass(
    *, kind: str, today: dt.date | None = None, now: dt.datetime | None = None, run_id: int | None = None,
    kick: bool = True,
) -> PassRun:
    run = _start(kind, today, run_id)
    now = now or timezone.now()
    if kind == PassRun.Kind.DAILY:
        assert run.today is not None  # _start dates every daily run
        today = run.today
    else:
        today = timezone.localtime(now).date()
    clock = Clock(
        kind=kind,
        today=today,
        now=now,
        soon_date=workdays.add_workdays(today, settings.QMS_DUE_SOON_WORKDAYS).date,
        soon_at=now + dt.timedelta(hours=int(getattr(settings, "QMS_DUE_SOON_HOURS", 24))),
        repeat_days=max(1, int(getattr(settings, "QMS_OVERDUE_REPEAT_DAYS", 7))),
        repeat_hours=max(1, int(getattr(settings, "QMS_OVERDUE_REPEAT_HOURS", 24))),
    )
    if kind == PassRun.Kind.DAILY:
        _ensure_periodic_duties(today)
    try:
        qs = Deadline.objects.filter(done_at__isnull=True)
        if kind == PassRun.Kind.DAILY:
            qs = qs.filter(due_on__isnull=False, due_on__lte=clock.soon_date)
        else:
            qs = qs.filter(due_on__isnull=True, due_at__isnull=False, due_at__lte=clock.soon_at)
        by_rule: dict[str, list[Row]] = defaultdict(list)
        for values in qs.order_by().values_list(*FIELDS):
            row = Row(*values)
            by_rule[row.rule].append(row)
        every_row = [r for rows in by_rule.values() for r in rows]
        directory = Directory.load(
            institution_ids={r.institution_id for r in every_row if r.institution_id},
            department_ids={r.department_id for r in every_row if r.department_id},
            authority_ids={r.authority_id for r in every_row if r.authority_id},
            user_ids={r.responsible_id for r in every_row if r.responsible_id},
        )
        del every_row
        steps = sorted(by_rule)
        if kind == PassRun.Kind.DAILY:
            steps.append(MEETING_STEP)
        PassRun.objects.filter(pk=run.pk).update(steps_total=len(steps))
        counts: dict[str, dict[str, Any]] = {}
        by_inst: dict[str, dict[str, int]] = defaultdict(dict)
        totals = {"found": 0, "notified": 0, "emailed": 0}
        for step in steps:
            pass_step_started.send(sender=PassRun, run=run, step=step)
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Bulk reminders need not wait for the disk on each step: a crash loses at most the last
                    # moment's rows, claims and e-mails together, and the next run writes them again.
                    with connection.cursor() as cur:
                        cur.execute("SET LOCAL synchronous_commit = off")
                if step == MEETING_STEP:
                    notes, step_directory, found_inst = missing_meeting_notifications(clock)
                    found = sum(found_inst.values())
                else:
                    rows = by_rule[step]
                    notes = build_notifications(step, rows, directory, clock)
                    step_directory = directory
                    found = len(rows)
                    found_inst = defaultdict(int)
                    for r in rows:
                        if r.institution_id:
                            found_inst[r.institution_id] += 1
                created = notifications_write(notes, emails=step_directory.emails, run=run)
                emailed = sum(1 for _, rid in created if rid in step_directory.emails)
                spec = R.rule_spec(step)
                counts[step] = {"name": spec.name or step, "found": found, "notified": len(created), "emailed": emailed}
                for iid, n in found_inst.items():
                    by_inst[str(iid)][step] = n
                totals["found"] += found
                totals["notified"] += len(created)
                totals["emailed"] += emailed
                PassRun.objects.filter(pk=run.pk).update(
                    steps_done=F("steps_done") + 1, counts=counts, found_by_institution=by_inst, **totals,
                    updated_at=timezone.now(),
                )
        PassRun.objects.filter(pk=run.pk).update(status=PassRun.Status.DONE, finished_at=timezone.now())
    except Exception as exc:
        PassRun.objects.filter(pk=run.pk).update(
            status=PassRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    finally:
        if kick:
            outbox_kick()
    run.refresh_from_db()
    return run
