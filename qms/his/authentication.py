"""Token authentication that also knows, in the same query, whether the caller is a HIS system account and
which hospital it is bound to (the request log needs it; no extra query for anyone)."""
from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, status
from rest_framework.authtoken.models import Token

from organizations.models import Membership


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("登录失败次数过多，账号已暂时锁定，令牌也暂停使用，请稍后再试。")
    default_code = "locked_out"


def lockouts_of(username_ref: OuterRef) -> Exists:
    """Whether a sign-in lock-out (django-axes, any address) of this username is in force."""
    since = timezone.now() - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return Exists(AccessAttempt.objects.filter(username=username_ref, attempt_time__gte=since,
                                               failures_since_start__gte=settings.AXES_FAILURE_LIMIT))


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        his = Membership.objects.filter(
            user=OuterRef("user_id"), role=Membership.Role.HIS, is_active=True
        ).values("institution_id")[:1]
        try:
            token = Token.objects.select_related("user").annotate(
                his_institution_id=Subquery(his), locked_out=lockouts_of(OuterRef("user__username")),
            ).get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("认证令牌无效。")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户未激活或已被删除。"))
        # Issue 13 item 14: a person locked out of signing in is locked out of the API too. A system account
        # has no password to guess, so failed password attempts against its name do not stop its token.
        if token.locked_out and token.user.has_usable_password():
            raise LockedOut()
        token.user.his_institution_id = token.his_institution_id
        return token.user, token
