"""Create and revoke HIS system accounts. A system account is bound to exactly one hospital: its only
membership is his_system at that hospital, which gives it the hospital-wide API scope and nothing else."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from organizations.models import Institution, Membership
from qms.core.services import transition_record


def his_membership(user: Any) -> Membership | None:
    return (Membership.objects.filter(user=user, role=Membership.Role.HIS, is_active=True)
            .select_related("institution").first())


@transaction.atomic
def his_account_create(*, institution: Institution, username: str, name: str, actor: Any) -> tuple[Any, str]:
    """Returns the user and its API token (shown once to the administrator)."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("请填写账号名。")]})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("账号名“%(u)s”已存在。") % {"u": username}]})
    user = User(username=username, first_name=(name or "")[:150], is_active=True)
    # A system account never signs in with a password: it uses its token only.
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Membership.Role.HIS, institution=institution,
                              title=_("HIS 系统账号"))
    token = Token.objects.create(user=user)
    transition_record(obj=user, from_status="", to_status="active", actor=actor, institution=institution,
                      reason=_("创建 HIS 系统账号"), data={"institution": institution.code})
    return user, token.key


@transaction.atomic
def his_account_revoke(*, user: Any, actor: Any, reason: str = "") -> None:
    """Deactivate the account and delete its token: the next request with the old token is 401."""
    membership = his_membership(user)
    if membership is None and not Membership.objects.filter(user=user, role=Membership.Role.HIS).exists():
        raise ValidationError({"account": [_("该用户不是 HIS 系统账号。")]})
    Membership.objects.filter(user=user, role=Membership.Role.HIS).update(is_active=False)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    Token.objects.filter(user=user).delete()
    transition_record(obj=user, from_status="active", to_status="revoked", actor=actor,
                      institution=membership.institution if membership else None,
                      reason=reason or _("停用 HIS 系统账号"))


def api_request_log(*, account: Any, institution_id: int | None, method: str, path: str, status_code: int,
                    duration_ms: int, idempotency_key: str = "") -> None:
    from qms.his.models import ApiRequestLog

    ApiRequestLog.objects.create(
        account=account, institution_id=institution_id, method=method[:10], path=path[:500],
        status_code=status_code, duration_ms=max(0, duration_ms), idempotency_key=(idempotency_key or "")[:200],
    )
