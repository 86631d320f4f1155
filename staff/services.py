"""Writes of the staff registry. The HIS pushes people by their staff code (工号): the same push twice changes
nothing, a push with new data updates the row; every change is an audit row."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qms.core.services import transition_record
from staff import permissions
from staff.models import Staff

FIELDS = ("name", "department", "profession", "title", "title_since", "certificate_number", "practice_scope",
          "employment_kind", "is_active")


def staff_upsert(*, institution: Any, code: str, actor: Any, **fields: Any) -> tuple[Staff, bool]:
    """Create or update the person with this code at this hospital. Returns (staff, created)."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": [_("请填写工号。")]})
    if not permissions.can_write(actor, institution.pk):
        raise PermissionDenied(_("只有本院 HIS 系统账号、质控办或医务部门可以维护人员信息。"))
    department = fields.get("department")
    if department is not None and department.institution_id != institution.pk:
        raise ValidationError({"department": [_("科室不属于该医疗机构。")]})
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown staff fields: {sorted(unknown)}")
    for attempt in range(2):
        try:
            with transaction.atomic():
                staff = Staff.objects.select_for_update(of=("self",)).filter(institution=institution, code=code).first()
                created = staff is None
                if staff is None:
                    if not fields.get("name") or not fields.get("profession") or not fields.get("title"):
                        raise ValidationError({"name": [_("新增人员须填写姓名、专业类别和职称。")]})
                    staff = Staff(institution=institution, code=code)
                before = {f: getattr(staff, f, None) for f in fields}
                for f, v in fields.items():
                    setattr(staff, f, v)
                staff.full_clean(exclude=["user"], validate_unique=False)
                changed = {f: [str(before[f] if before[f] is not None else ""), str(v if v is not None else "")]
                           for f, v in fields.items() if created or before[f] != v}
                if changed:
                    staff.save()
                    transition_record(obj=staff, from_status="" if created else "active", to_status="active",
                                      actor=actor, action="staff.created" if created else "staff.updated",
                                      data=changed, institution=institution)
                return staff, created
        except IntegrityError:
            if attempt:  # a concurrent push created it first: the second try updates that row
                raise
    raise AssertionError("unreachable")
