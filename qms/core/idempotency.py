"""Idempotency-Key on client writes (API.md): the same key and body replay the first answer and create
nothing new; the same key with another body (or on another path) is 409.

One mechanism for every write, named or anonymous: a record is found by an HMAC (under SECRET_KEY) of the
caller and the client's key, and holds no column naming the caller. So a record written during an anonymous
report cannot tie the answer (event id, receipt code) to its reporter: matching it needs the secret *and*
the client's key. Records expire after QMS_IDEMPOTENCY_TTL_HOURS; expired ones are deleted whenever a new one
is written, so none outlives the TTL by more than the time to the next keyed write.

The record is written in the same transaction as the write it guards. Two concurrent requests with one
key both run, but the second one's insert of the record fails on the unique digest, its whole transaction
rolls back, and it answers with the first one's response.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
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


def run_idempotently(request: Any, call: Callable[[], Response]) -> Response:
    """Run call() under the request's Idempotency-Key (if any): replay, 409, or run and remember."""
    key = request.headers.get(HEADER)
    if not key:
        return call()
    if len(key) > MAX_KEY_LENGTH:
        return Response({HEADER: [_("长度不能超过 200 个字符。")]}, status=status.HTTP_400_BAD_REQUEST)
    handle = digest(request.user, key)
    fp = fingerprint(request)
    existing = _live(handle)
    if existing is not None:
        return _replay(existing, fp)
    try:
        with transaction.atomic():
            response = call()
            if response.status_code < 500:
                body = json.loads(JSONRenderer().render(response.data) or b"null")
                try:
                    with transaction.atomic():
                        IdempotencyRecord.objects.create(digest=handle, fingerprint=fp,
                                                         status_code=response.status_code, response_body=body)
                except IntegrityError:
                    raise _Replay from None
                purge_expired()
            return response
    except _Replay:
        return _replay(IdempotencyRecord.objects.get(digest=handle), fp)


def idempotent(method: Callable) -> Callable:
    """Decorate a DRF view method (create, or an @action) to honour Idempotency-Key."""

    @functools.wraps(method)
    def wrapper(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        return run_idempotently(request, lambda: method(self, request, *args, **kwargs))

    return wrapper
