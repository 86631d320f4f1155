"""Logs every API request made by a HIS system account: account, method, path, status, time, duration and
Idempotency-Key. Never the body (patient data stays in the record it belongs to)."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from qms.core.idempotency import HEADER

logger = logging.getLogger(__name__)


class HisRequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        institution_id = getattr(user, "his_institution_id", None)
        if institution_id is not None:
            from qms.his.services import api_request_log

            try:
                api_request_log(
                    account=user, institution_id=institution_id, method=request.method or "",
                    path=request.get_full_path(), status_code=response.status_code,
                    duration_ms=int((time.monotonic() - started) * 1000),
                    idempotency_key=request.headers.get(HEADER, ""),
                )
            except DatabaseError:
                # The answer stands even when the log cannot be written (database gone mid-request).
                logger.exception("HIS request log not written: %s %s", request.method, request.path)
        return response
