"""Password change: Django's views in the house style, and the administrator's "change at next sign-in"
(issue 13 item 14). The flag is read once at sign-in into the session, so pages cost no extra query."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from organizations.models import PasswordChangeRequired

SESSION_KEY = "qms_must_change_password"


@receiver(user_logged_in)
def _remember_required_change(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and \
            PasswordChangeRequired.objects.filter(user=user).exists():
        request.session[SESSION_KEY] = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        PasswordChangeRequired.objects.filter(user=cast(User, self.request.user)).delete()
        self.request.session.pop(SESSION_KEY, None)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class RequirePasswordChangeMiddleware:
    """After the administrator asked for it, every page but the change page (and sign-out) sends the user
    there. API requests are not redirected (a token client has no page to go to)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            allowed = (reverse("password_change"), reverse("password_change_done"), reverse("logout"),
                       reverse("set_language"))
            if not request.path.startswith(("/api/", "/static/")) and request.path not in allowed:
                messages.warning(request, _("管理员要求您修改密码后再继续使用。"))
                return redirect(reverse("password_change"))
        return self.get_response(request)
