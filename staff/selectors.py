"""Reads of the staff registry, scoped to the caller (organizations/selectors.py)."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from organizations.selectors import scope_queryset
from staff.models import Staff


def visible_staff(user: Any) -> QuerySet[Staff]:
    return scope_queryset(Staff.objects.select_related("institution", "department"), user)
