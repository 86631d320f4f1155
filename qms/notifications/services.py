"""Writes of the notification app: notify(), the outbox, marking read, asking for a pass.

Other apps call `notify(...)` and `outbox_enqueue(...)` inside their own transaction: the rows commit with
the change that causes them, and the sending happens after commit (or later, when the broker is back).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from qms.notifications.models import Notification, Outbox, PassRun

logger = logging.getLogger(__name__)

DEADLINE_PASS_TASK = "qms.notifications.tasks.deadline_pass_task"
HOURLY_PASS_TASK = "qms.notifications.tasks.hourly_pass_task"


def broker_errors() -> tuple[type[BaseException], ...]:
    """What publishing raises when Redis is unreachable: the work then stays in the outbox."""
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, TimeoutError, OSError]
    try:
        from redis.exceptions import RedisError

        errors.append(RedisError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


def object_key(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{ContentType.objects.get_for_model(obj).pk}:{obj.pk}"


# --- writing notifications (the claim) -------------------------------------------------------------------


class Note(NamedTuple):
    """A notification to write: built in bulk by the pass (plain tuples, not model instances: 10^5 of them)."""

    recipient_id: int
    object_key: str
    rule: str
    period_key: str
    stage: str
    article: str
    title: str
    body: str
    url: str = ""
    content_type_id: int | None = None
    object_id: int | None = None
    institution_id: int | None = None
    due_on: dt.date | None = None
    due_at: dt.datetime | None = None
    # The named values of the text (moments.display formats it again in the reader's language); shared by
    # every recipient of one row, so serialised once.
    params: dict[str, Any] | None = None


NOTE_COLUMNS = list(Note._fields)


def one_line(text: str) -> str:
    """A subject: every run of whitespace (newlines included) is one space (issue 13 item 11)."""
    return " ".join((text or "").split())


def notifications_write(
    notes: Sequence[Note], *, emails: dict[int, str], run: PassRun | None = None
) -> list[tuple[int, int]]:
    """Insert the notifications whose key is not yet taken, and the e-mails of exactly those.

    The unique key (object, rule, recipient, period) is claimed by INSERT … ON CONFLICT DO NOTHING: a
    concurrent writer of the same key waits for ours to commit and then inserts nothing, so each reminder
    and its e-mail are written once. Must run inside the caller's transaction.
    Returns (notification id, recipient id) of the rows this call wrote.
    """
    if not notes:
        return []
    # A title is an e-mail subject: one line, whoever built the note.
    notes = [n if "\n" not in n.title and "\r" not in n.title else n._replace(title=one_line(n.title)[:300])
             for n in notes]
    if connection.vendor == "postgresql":
        return _write_postgresql(notes, emails=emails, run=run)
    return _write_orm(notes, emails=emails, run=run)


def _email_text(body: str, url: str) -> str:
    site = getattr(settings, "QMS_SITE_URL", "").rstrip("/")
    return f"{body}\n\n{site}{url}" if url else body


def _write_orm(notes: Sequence[Note], *, emails: dict[int, str], run: PassRun | None) -> list[tuple[int, int]]:
    # Rows this statement wrote carry its batch id: reading the batch back tells which e-mails are ours.
    batch = uuid.uuid4()
    Notification.objects.bulk_create(
        [Notification(**note._asdict(), batch=batch, run=run) for note in notes], ignore_conflicts=True
    )
    created = list(Notification.objects.filter(batch=batch).values_list("id", "recipient_id"))
    Outbox.objects.bulk_create(
        [Outbox(kind=Outbox.Kind.EMAIL, notification_id=nid) for nid, rid in created if emails.get(rid)]
    )
    return created


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _write_postgresql(notes: Sequence[Note], *, emails: dict[int, str], run: PassRun | None) -> list[tuple[int, int]]:
    """The same claim for 10^5 rows in well under a second: COPY into a temporary table, then one
    INSERT … ON CONFLICT DO NOTHING RETURNING that also writes the e-mails of the rows it inserted."""
    table = f"_qms_notes_{uuid.uuid4().hex[:12]}"
    buffer = io.StringIO()
    esc = _COPY_ESCAPES
    memo: dict[str, str] = {}

    def text(value: str) -> str:
        # The same title/body/url repeats for every recipient of a row: escape it once.
        out = memo.get(value)
        if out is None:
            out = memo[value] = value.translate(esc)
        return out

    null = "\\N"
    write = buffer.write
    dumped: dict[int, str] = {}

    def params_text(value: dict[str, Any] | None) -> str:
        if value is None:
            return null
        out = dumped.get(id(value))
        if out is None:
            out = dumped[id(value)] = json.dumps(value, ensure_ascii=False).translate(esc)
        return out

    for n in notes:
        # object_key and stage are built here from ids and a fixed choice: nothing to escape.
        write(
            f"{n.recipient_id}\t{n.object_key}\t{text(n.rule)}\t{text(n.period_key)}\t"
            f"{n.stage}\t{text(n.article)}\t{text(n.title)}\t{text(n.body)}\t"
            f"{text(n.url)}\t{null if n.content_type_id is None else n.content_type_id}\t"
            f"{null if n.object_id is None else n.object_id}\t{null if n.institution_id is None else n.institution_id}\t"
            f"{_copy_text(n.due_on)}\t{_copy_text(n.due_at)}\t{params_text(n.params)}\t"
            f"{'t' if emails.get(n.recipient_id) else 'f'}\n"
        )
    buffer.seek(0)
    cols = ", ".join(NOTE_COLUMNS)
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE {table} (recipient_id integer, object_key text, rule text, period_key text, "
            "stage text, article text, title text, body text, url text, content_type_id integer, object_id bigint, "
            "institution_id bigint, due_on date, due_at timestamptz, params jsonb, has_email boolean) ON COMMIT DROP"
        )
        cur.copy_expert(f"COPY {table} ({cols}, has_email) FROM STDIN", buffer)
        cur.execute(
            f"""
            WITH ins AS (
                INSERT INTO notifications_notification ({cols}, run_id, batch, read_at, created_at, updated_at)
                SELECT {cols}, %s, %s, NULL, now(), now() FROM {table}
                ON CONFLICT (object_key, rule, recipient_id, period_key) DO NOTHING
                RETURNING id, recipient_id
            ), mails AS (
                INSERT INTO notifications_outbox (kind, status, payload, notification_id, attempts, last_error, created_at)
                SELECT 'email', 'pending', '{{}}'::jsonb, ins.id, 0, '', now()
                FROM ins WHERE ins.recipient_id IN (SELECT recipient_id FROM {table} WHERE has_email)
                RETURNING 1
            )
            SELECT id, recipient_id FROM ins
            """,
            [run.pk if run is not None else None, str(uuid.uuid4())],
        )
        return [tuple(r) for r in cur.fetchall()]


def notify(
    *,
    recipients: Iterable[Any],
    rule: str,
    article: str,
    subject: str,
    body: str,
    obj: models.Model | None = None,
    url: str = "",
    period_key: str,
    institution: Any = None,
    stage: str = Notification.Stage.INFO,
    due_on: dt.date | None = None,
    params: dict[str, Any] | None = None,
) -> int:
    """Tell people something, in the inbox and by e-mail, at most once per (obj, rule, recipient, period_key).

    recipients: users or user ids. Call it inside the transaction of the change that causes it; the e-mails
    go after commit. Returns how many notifications were new.
    """
    User = get_user_model()
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    if not ids:
        return 0
    emails = dict(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list("pk", "email"))
    active = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    key = object_key(obj)
    ct = ContentType.objects.get_for_model(obj) if obj is not None else None
    if institution is None and obj is not None:
        institution = getattr(obj, "institution", None)
    notes = [
        Note(
            recipient_id=uid,
            object_key=key,
            rule=rule,
            period_key=period_key,
            stage=stage,
            article=article,
            title=one_line(subject)[:300],
            body=body,
            url=url,
            content_type_id=ct.pk if ct is not None else None,
            object_id=obj.pk if obj is not None else None,
            institution_id=getattr(institution, "pk", institution),
            due_on=due_on,
            params=params or None,
        )
        for uid in sorted(active)
    ]
    with transaction.atomic():
        created = notifications_write(notes, emails=emails)
        if created:
            transaction.on_commit(outbox_kick)
    return len(created)


# --- the outbox -------------------------------------------------------------------------------------------


def outbox_enqueue(
    *,
    task: str | None = None,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    email_to: Sequence[str] = (),
    subject: str = "",
    body: str = "",
    dedupe_key: str | None = None,
) -> Outbox:
    """Keep work to send after commit: a task (dotted path of a Celery task) or an e-mail.

    Written in the caller's transaction; published on commit; if the broker is down it stays pending and the
    minute job re-sends it. A dedupe_key makes the enqueue itself idempotent.
    """
    if task:
        kind, payload = Outbox.Kind.TASK, {"task": task, "args": list(args), "kwargs": kwargs or {}}
    else:
        kind, payload = Outbox.Kind.EMAIL, {"to": list(email_to), "subject": one_line(subject), "body": body}
    with transaction.atomic():
        if dedupe_key:
            row, _ = Outbox.objects.get_or_create(dedupe_key=dedupe_key, defaults={"kind": kind, "payload": payload})
        else:
            row = Outbox.objects.create(kind=kind, payload=payload)
        transaction.on_commit(outbox_kick)
    return row


def outbox_kick() -> None:
    """After commit: ask a worker to send the outbox. Never fails the user's request: the row is kept."""
    from qms.notifications.tasks import outbox_flush_task

    try:
        outbox_flush_task.delay()
    except broker_errors() as exc:
        logger.warning("broker unreachable, outbox kept for the periodic re-send: %s", exc)
    except Exception:  # the user's change is committed; a sending problem must not turn it into an error
        logger.exception("outbox flush failed after commit; the periodic re-send will retry")


def _deliver_email(row: Outbox, connection: Any) -> None:
    note = row.notification
    if note is not None:
        # A reminder's e-mail is its notification, addressed when it is sent (the address may have changed).
        if not note.recipient.is_active or not note.recipient.email:
            return
        subject, body, to = note.title, _email_text(note.body, note.url), [note.recipient.email]
    else:
        payload = row.payload
        subject, body, to = payload.get("subject", ""), payload.get("body", ""), payload.get("to", [])
    EmailMessage(subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to, connection=connection).send()


def _deliver_task(row: Outbox) -> None:
    payload = row.payload
    task = import_string(payload["task"])
    task.apply_async(args=payload.get("args", []), kwargs=payload.get("kwargs", {}))


def outbox_flush(*, limit: int = 200, max_batches: int = 50) -> int:
    """Send what is pending. Each row is claimed by a conditional update, so two flushers never send one
    row twice; a row whose sender died mid-way is released after QMS_OUTBOX_LEASE_SECONDS.
    Returns how many rows were sent."""
    lease = dt.timedelta(seconds=int(getattr(settings, "QMS_OUTBOX_LEASE_SECONDS", 300)))
    max_attempts = int(getattr(settings, "QMS_OUTBOX_MAX_ATTEMPTS", 8))
    Outbox.objects.filter(status=Outbox.Status.SENDING, claimed_at__lt=timezone.now() - lease).update(
        status=Outbox.Status.PENDING, claim_token=None
    )
    sent_total = 0
    errors = broker_errors()
    for _ in range(max_batches):
        now = timezone.now()
        ids = list(
            Outbox.objects.filter(status=Outbox.Status.PENDING)
            .filter(Q(available_at__isnull=True) | Q(available_at__lte=now))
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            break
        token = uuid.uuid4()
        Outbox.objects.filter(id__in=ids, status=Outbox.Status.PENDING).update(
            status=Outbox.Status.SENDING, claim_token=token, claimed_at=now
        )
        rows = list(
            Outbox.objects.filter(claim_token=token, status=Outbox.Status.SENDING)
            .select_related("notification__recipient")
            .order_by("id")
        )
        sent: list[int] = []
        released: list[int] = []
        broker_down = False
        connection = None
        for row in rows:
            if broker_down and row.kind == Outbox.Kind.TASK:
                released.append(row.pk)
                continue
            try:
                if row.kind == Outbox.Kind.EMAIL:
                    if connection is None:
                        connection = get_connection()
                    _deliver_email(row, connection)
                else:
                    _deliver_task(row)
                sent.append(row.pk)
            except errors as exc:
                if row.kind == Outbox.Kind.TASK:
                    broker_down = True
                    released.append(row.pk)
                    Outbox.objects.filter(pk=row.pk).update(last_error=str(exc)[:2000])
                else:
                    _record_failure(row, exc, max_attempts)
            except Exception as exc:  # noqa: BLE001 - one bad row must not block the others
                logger.exception("outbox row %s failed", row.pk)
                _record_failure(row, exc, max_attempts)
        if sent:
            Outbox.objects.filter(id__in=sent).update(
                status=Outbox.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            sent_total += len(sent)
        if released:
            # Broker down: back to pending untouched; not a failed attempt, nothing is lost.
            Outbox.objects.filter(id__in=released).update(status=Outbox.Status.PENDING, claim_token=None)
        if broker_down or len(ids) < limit:
            break
    return sent_total


def _record_failure(row: Outbox, exc: BaseException, max_attempts: int) -> None:
    attempts = row.attempts + 1
    backoff = dt.timedelta(seconds=min(3600, 30 * 2 ** (attempts - 1)))
    Outbox.objects.filter(pk=row.pk).update(
        status=Outbox.Status.FAILED if attempts >= max_attempts else Outbox.Status.PENDING,
        attempts=attempts,
        last_error=str(exc)[:2000],
        available_at=timezone.now() + backoff,
        claim_token=None,
    )


# --- the inbox ---------------------------------------------------------------------------------------------


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (someone else's is 404: it does not exist for them)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


# --- passes ------------------------------------------------------------------------------------------------


def pass_run_request(*, user: Any, kind: str = PassRun.Kind.DAILY) -> PassRun:
    """A staff member asks for a pass now: the run is recorded and its task kept in the outbox, so the
    request succeeds even when the broker is down (the task goes out when it is back)."""
    with transaction.atomic():
        run = PassRun.objects.create(
            kind=kind,
            status=PassRun.Status.QUEUED,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
            today=timezone.localdate(),
        )
        outbox_enqueue(
            task=DEADLINE_PASS_TASK if kind == PassRun.Kind.DAILY else HOURLY_PASS_TASK,
            kwargs={"run_id": run.pk},
            dedupe_key=f"pass-run:{run.pk}",
        )
    return run


def deadline_pass(*, today: dt.date | None = None, run_id: int | None = None, kick: bool = True) -> PassRun:
    from qms.notifications.deadline_pass import run_pass

    return run_pass(kind=PassRun.Kind.DAILY, today=today, run_id=run_id, kick=kick)


def hourly_pass(*, now: dt.datetime | None = None, run_id: int | None = None, kick: bool = True) -> PassRun:
    from qms.notifications.deadline_pass import run_pass

    return run_pass(kind=PassRun.Kind.HOURLY, now=now, run_id=run_id, kick=kick)
