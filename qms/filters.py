import django_filters
from django.utils.translation import gettext_lazy as _


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Every list of records takes ?updated_since=<date-time> so a client can sync (API.md)."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("更新时间不早于")
    )
