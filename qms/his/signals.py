"""The API token endpoint (POST /api/v1/auth/token/) gets the same lock-out as the sign-in page.

DRF hands django-axes its own Request wrapper, so axes marks the wrapper, not the HttpRequest that
AxesMiddleware looks at; copy the mark through so the middleware answers the lock-out."""
from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver


@receiver(user_locked_out)
def _mark_wrapped_request(sender: Any, request: Any = None, **kwargs: Any) -> None:
    inner = getattr(request, "_request", None)
    if inner is not None and inner is not request:
        inner.axes_locked_out = True
        inner.axes_credentials = getattr(request, "axes_credentials", None)
