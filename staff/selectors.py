"""Reads of the staff registry, scoped to the caller (organizations/selectors.py)."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from organizations.models import Institution
from organizations.selectors import get_scope, scope_queryset, visible_institutions
from staff.models import Staff


def visible_staff(user: Any) -> QuerySet[Staff]:
    return scope_queryset(Staff.objects.select_related("institution", "department"), user)


def acting_institution_id(user: Any, code: str | None = None) -> int:
    """The hospital a request acts for: a HIS account's own; else the one named (if visible); else the caller's
    only one. 400 when it cannot be told."""
    his = getattr(user, "his_institution_id", None)
    if code:
        ids = dict(visible_institutions(user).filter(code=code).values_list("code", "pk"))
        if code not in ids or (his and ids[code] != his):
            raise ValidationError({"institution": [_("未知的医疗机构编码。")]})
        return ids[code]
    if his:
        return his
    reach = get_scope(user).all_institution_ids
    if len(reach) != 1:
        raise ValidationError({"institution": [_("请填写医疗机构编码。")]})
    return next(iter(reach))


def acting_institution(user: Any, code: str | None = None) -> Institution:
    return Institution.objects.get(pk=acting_institution_id(user, code))
