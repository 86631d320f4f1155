"""Idempotency-Key on client writes (API.md): the same key and body replay the first answer and create
nothing new; the same key with another body is 409.

The record is written in the same transaction as the write it guards. Two concurrent requests with one
key both run, but the second one's insert of the record fails on the unique (user, key) constraint, its
whole transaction rolls back, and it answers with the first one's response.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
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


class _Replay(Exception):
    pass


def _fingerprint(request, view_name: str) -> str:  # noqa: ANN001
    data = request.data
    if hasattr(data, "lists"):  # QueryDict (multipart): files by name and size
        payload: Any = {k: [getattr(v, "name", v) if not hasattr(v, "size") else f"{v.name}:{v.size}" for v in vs]
                        for k, vs in data.lists()}
    else:
        payload = data
    body = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {view_name} {body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return Response(
            {"non_field_errors": [_("该 Idempotency-Key 已用于另一个请求内容。")]}, status=status.HTTP_409_CONFLICT
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _live(user, key: str) -> IdempotencyRecord | None:  # noqa: ANN001
    cutoff = timezone.now() - dt.timedelta(hours=settings.QMS_IDEMPOTENCY_TTL_HOURS)
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is not None and record.created_at < cutoff:
        record.delete()
        return None
    return record


def idempotent(method: Callable) -> Callable:
    """Decorate a DRF view method (create, or an @action) to honour Idempotency-Key."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):  # noqa: ANN001, ANN202
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return method(self, request, *args, **kwargs)
        if len(key) > 200:
            return Response({HEADER: [_("长度不能超过 200 个字符。")]}, status=status.HTTP_400_BAD_REQUEST)
        fingerprint = _fingerprint(request, f"{type(self).__name__}.{method.__name__}")
        existing = _live(request.user, key)
        if existing is not None:
            return _replay(existing, fingerprint)
        try:
            with transaction.atomic():
                response = method(self, request, *args, **kwargs)
                if response.status_code < 500:
                    body = json.loads(JSONRenderer().render(response.data) or b"null")
                    try:
                        with transaction.atomic():
                            IdempotencyRecord.objects.create(
                                user=request.user,
                                key=key,
                                fingerprint=fingerprint,
                                status_code=response.status_code,
                                response_body=body,
                            )
                    except IntegrityError:
                        raise _Replay from None
                return response
        except _Replay:
            return _replay(IdempotencyRecord.objects.get(user=request.user, key=key), fingerprint)

    return wrapper
