import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from organizations.api.serializers import DepartmentSerializer, InstitutionSerializer
from organizations.models import Department, Institution
from organizations.selectors import visible_departments, visible_institutions
from qms.filters import UpdatedSinceFilterSet


class InstitutionFilter(UpdatedSinceFilterSet):
    class Meta:
        model = Institution
        fields = ["updated_since"]


class DepartmentFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")

    class Meta:
        model = Department
        fields = ["institution", "updated_since", "kind"]


@extend_schema_view(list=extend_schema(summary="可见的医疗机构"), retrieve=extend_schema(summary="医疗机构"))
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    lookup_field = "code"

    def get_queryset(self):
        return visible_institutions(self.request.user).order_by("code")


@extend_schema_view(list=extend_schema(summary="可见的科室"), retrieve=extend_schema(summary="科室"))
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter

    def get_queryset(self):
        return visible_departments(self.request.user).order_by("institution__code", "code")
