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


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Every list of records takes ?updated_since=<date-time> so a client can sync (API.md)."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("更新时间不早于")
    )

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        if isinstance(field, (models.ForeignKey, models.OneToOneField)):
            return IdFilter(field_name=field_name, lookup_expr=lookup_expr or "exact", label=field.verbose_name)
        return super().filter_for_field(field, field_name, lookup_expr)
