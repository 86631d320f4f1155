import datetime as dt

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A related object by id. The id is only compared, never looked up in the whole table, so the filter
    neither lists (browsable API) nor confirms (400 vs empty list) another hospital's objects; the view's
    scoped queryset decides what is found (issue 13 item 2)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SyncDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time a database can compare: any offset Python accepts (up to ±23:59) is turned into
    UTC here, since PostgreSQL refuses a displacement past ±15:59 (a 500 before, found by schemathesis); a
    value that leaves the years 1–9999 once in UTC is a 400, not an overflow."""

    default_error_messages = {"out_of_range": _("时间超出可表示的范围。")}

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class SyncDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = SyncDateTimeField


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Every list of records takes ?updated_since=<date-time> so a client can sync (API.md)."""

    updated_since = SyncDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("更新时间不早于")
    )

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        if isinstance(field, (models.ForeignKey, models.OneToOneField)):
            return IdFilter(field_name=field_name, lookup_expr=lookup_expr or "exact", label=field.verbose_name)
        return super().filter_for_field(field, field_name, lookup_expr)
