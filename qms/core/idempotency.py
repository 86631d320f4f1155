"""Idempotency-Key on client writes (API.md): the same key and body replay the first answer and create
nothing new; the same key with another body (or on another path) is 409.

One mechanism for every write, named or anonymous: a record is found by an HMAC (under SECRET_KEY) of the
caller and the client's key, and holds no column naming the caller. So a record written during an anonymous
report cannot tie the answer (event id, receipt code) to its reporter: matching it needs the secret *and*
the client's key. Records expire after QMS_IDEMPOTENCY_TTL_HOURS; expired ones are deleted whenever a new one
is written, so none outlives the TTL by more than the time to the next keyed write.

The record is written in the same transaction as the write it guards, by one statement: INSERT … ON CONFLICT
(digest) DO UPDATE … WHERE the existing record is past the TTL … RETURNING id (issue 16). No lookup comes
first: a request runs, then claims its key. If the statement returns no row, a live record holds the key
(a retry, or a concurrent request with the same key, whose insert PostgreSQL makes this one wait for); the
whole transaction rolls back, so nothing the retry did survives, and the first answer is replayed (or 409
for another body). A retry whose rerun fails (a step already taken is a 400) is answered the same way: the
rollback first, then the record. On PostgreSQL the sweep of expired records rides in the same statement
(a DELETE in a WITH clause); on SQLite it is a second statement. Multipart writes (files on disk) still
look the key up first, so a retry does not store its files again.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from qms.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


class _Replay(Exception):
    pass


def digest(caller: Any, key: str) -> str:
    """HMAC of (caller, key): the only handle on a record. An unauthenticated caller is "anonymous"."""
    who = f"user:{caller.pk}" if getattr(caller, "is_authenticated", False) else "anonymous"
    return hmac.new(settings.SECRET_KEY.encode(), f"{who}\n{key}".encode(), hashlib.sha256).hexdigest()


def fingerprint(request: Any) -> str:
    """Method, path and body: the same key on another object's path is another request (409)."""
    data = request.data
    if hasattr(data, "lists"):  # QueryDict (multipart): files by name and size
        payload: Any = {k: [f"{v.name}:{v.size}" if hasattr(v, "size") else v for v in vs] for k, vs in data.lists()}
    else:
        payload = data
    body = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _cutoff() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=settings.QMS_IDEMPOTENCY_TTL_HOURS)


def _replay(record: IdempotencyRecord, fp: str) -> Response:
    if record.fingerprint != fp:
        return Response(
            {"non_field_errors": [_("该 Idempotency-Key 已用于另一个请求内容。")]}, status=status.HTTP_409_CONFLICT
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _live(handle: str) -> IdempotencyRecord | None:
    record = IdempotencyRecord.objects.filter(digest=handle).first()
    if record is not None and record.created_at < _cutoff():
        record.delete()
        return None
    return record


def purge_expired() -> int:
    """Delete every record older than the TTL; returns how many."""
    return IdempotencyRecord.objects.filter(created_at__lt=_cutoff()).delete()[0]


def _claim(handle: str, fp: str, status_code: int, body: Any) -> bool:
    """Write the record unless a live one holds the key: one INSERT … ON CONFLICT. True when written."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    now = timezone.now()
    cutoff = now - dt.timedelta(hours=settings.QMS_IDEMPOTENCY_TTL_HOURS)
    postgres = connection.vendor == "postgresql"
    def prep(name: str, value: Any) -> Any:
        return cast("models.Field", IdempotencyRecord._meta.get_field(name)).get_db_prep_value(value, connection)

    values = [handle, fp, status_code, prep("response_body", body), prep("created_at", now)]
    upsert = (
        f"INSERT INTO {table} (digest, fingerprint, status_code, response_body, created_at) "
        "VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (digest) DO UPDATE SET fingerprint = excluded.fingerprint, status_code = excluded.status_code, "
        f"response_body = excluded.response_body, created_at = excluded.created_at WHERE {table}.created_at < %s "
        "RETURNING id"
    )
    cutoff_db = prep("created_at", cutoff)
    with connection.cursor() as cur:
        if postgres:
            cur.execute(f"WITH purge AS (DELETE FROM {table} WHERE created_at < %s AND digest <> %s) {upsert}",
                        [cutoff_db, handle, *values, cutoff_db])
        else:
            cur.execute(f"DELETE FROM {table} WHERE created_at < %s AND digest <> %s", [cutoff_db, handle])
            cur.execute(upsert, [*values, cutoff_db])
        return cur.fetchone() is not None


def _recorded_answer(handle: str, fp: str) -> Response | None:
    record = IdempotencyRecord.objects.filter(digest=handle, created_at__gte=_cutoff()).first()
    return None if record is None else _replay(record, fp)


def run_idempotently(request: Any, call: Callable[[], Response]) -> Response:
    """Run call() under the request's Idempotency-Key (if any): replay, 409, or run and remember."""
    key = request.headers.get(HEADER)
    if not key:
        return call()
    if len(key) > MAX_KEY_LENGTH:
        return Response({HEADER: [_("长度不能超过 200 个字符。")]}, status=status.HTTP_400_BAD_REQUEST)
    handle = digest(request.user, key)
    fp = fingerprint(request)
    if getattr(request, "FILES", None):
        existing = _live(handle)
        if existing is not None:
            return _replay(existing, fp)
    try:
        with transaction.atomic():
            response = call()
            if response.status_code < 500:
                body = json.loads(JSONRenderer().render(response.data) or b"null")
                if not _claim(handle, fp, response.status_code, body):
                    raise _Replay
            return response
    except _Replay:
        return _replay(IdempotencyRecord.objects.get(digest=handle), fp)
    except Exception:
        # The rerun of a write that was already made may fail (a step already taken): the first answer stands.
        try:
            answer = _recorded_answer(handle, fp)
        except DatabaseError:
            answer = None
        if answer is None:
            raise
        return answer


def idempotent(method: Callable) -> Callable:
    """Decorate a DRF view method (create, or an @action) to honour Idempotency-Key."""

    @functools.wraps(method)
    def wrapper(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        return run_idempotently(request, lambda: method(self, request, *args, **kwargs))

    return wrapper
