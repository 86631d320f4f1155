"""Who may write the staff registry: the hospital's HIS account (it pushes staff by code), its quality office,
principal and deputies, and its medical-affairs department (which keeps the 准入授权 register)."""
from __future__ import annotations

from typing import Any

from organizations.models import Department, Membership
from organizations.selectors import get_scope

WRITER_ROLES = {Membership.Role.QUALITY_OFFICE, Membership.Role.PRINCIPAL, Membership.Role.DEPUTY, Membership.Role.HIS}


def can_write(user: Any, institution_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if get_scope(user).superuser:
        return True
    for role, _inst, function in Membership.objects.filter(user=user, is_active=True, institution_id=institution_id).values_list(
        "role", "institution_id", "department__function"
    ):
        if role in WRITER_ROLES or function == Department.Function.MEDICAL_ADMIN:
            return True
    return False
