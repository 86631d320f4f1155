"""Token authentication that also knows, in the same query, whether the caller is a HIS system account and
which hospital it is bound to (the request log needs it; no extra query for anyone)."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from organizations.models import Membership


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        his = Membership.objects.filter(
            user=OuterRef("user_id"), role=Membership.Role.HIS, is_active=True
        ).values("institution_id")[:1]
        try:
            token = Token.objects.select_related("user").annotate(his_institution_id=Subquery(his)).get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("认证令牌无效。")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户未激活或已被删除。"))
        token.user.his_institution_id = token.his_institution_id
        return token.user, token
