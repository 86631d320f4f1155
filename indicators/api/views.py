import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from indicators import permissions, selectors, services
from indicators.api.serializers import (
    ComparisonSerializer,
    IndicatorSerializer,
    IndicatorValueInSerializer,
    IndicatorValueSerializer,
)
from indicators.comparison import comparison_for
from indicators.models import Indicator, IndicatorValue
from organizations.models import Department, Institution
from organizations.selectors import get_scope
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet


class IndicatorFilter(UpdatedSinceFilterSet):
    class Meta:
        model = Indicator
        fields = ["updated_since", "source", "level"]


class IndicatorValueFilter(UpdatedSinceFilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")
    period = django_filters.CharFilter(method="filter_period")
    current = django_filters.BooleanFilter(field_name="is_current")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "institution", "department", "period", "current", "updated_since"]

    def filter_period(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # the same rule as a value's own period (services.parse_period, without its "not in the future"):
        # `0000-00` or `2026-13` is a 400 that says the format, not a 500 or a silently empty list
        import re

        m = re.match(r"^(\d{4})-(\d{2})$", value or "")
        if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
            raise serializers.ValidationError({"period": [_("月份格式应为 YYYY-MM，例如 2025-03。")]})
        return qs.filter(period__year=int(m.group(1)), period__month=int(m.group(2)))


@extend_schema_view(list=extend_schema(summary="指标目录"), retrieve=extend_schema(summary="指标"))
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        return selectors.catalogue(include_counts=True)

    @extend_schema(
        summary="辖区医疗机构（或本院各科室）指标比较与漏斗图控制限",
        parameters=[
            OpenApiParameter("period", str, required=True, description="YYYY-MM"),
            OpenApiParameter("authority", str, description="卫生健康行政部门代码（默认：本人所在部门）"),
            OpenApiParameter("institution", str, description="给出时比较该院各科室"),
        ],
        responses={200: ComparisonSerializer},
    )
    @action(detail=True, methods=["get"], url_path="comparison")
    def comparison(self, request: Request, code: str | None = None) -> Response:
        indicator = self.get_object()
        period = services.parse_period(request.query_params.get("period") or "")  # 400 when malformed
        result = comparison_for(request.user, indicator, period, authority=request.query_params.get("authority"),
                                institution=request.query_params.get("institution"))
        if result is None:
            raise NotFound
        return Response(ComparisonSerializer(result).data)


@extend_schema_view(
    list=extend_schema(summary="可见的指标值（含修订）"),
    retrieve=extend_schema(summary="指标值"),
    create=extend_schema(summary="填报指标值", request=IndicatorValueInSerializer,
                         responses={201: IndicatorValueSerializer}),
)
class IndicatorValueViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter

    def get_queryset(self) -> QuerySet:
        return selectors.visible_values(self.request.user).order_by("-period", "indicator__order", "id")

    @idempotent
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = IndicatorValueInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        institution = Institution.objects.filter(code=d["institution"]).first()
        department_code = d.get("department") or None
        dept = None
        if institution is not None:
            # outside the caller's reach: 404 as for any object they cannot see (API.md). The same rules as
            # visible_institutions / visible_departments, read from the caller's scope (no query).
            scope = get_scope(request.user)
            if not scope.superuser and institution.pk not in scope.all_institution_ids:
                raise NotFound
            if department_code:
                dept = Department.objects.filter(institution=institution, code=department_code).first()
                if dept is not None and not scope.superuser and not (
                    dept.institution_id in scope.institution_ids | scope.official_institution_ids
                    or dept.pk in scope.department_ids
                ):
                    raise NotFound
                dept_id = dept.pk if dept else None
            else:
                dept_id = None
            if (department_code is None or dept_id is not None) and not permissions.can_enter_value(
                request.user, institution.pk, dept_id
            ):
                raise PermissionDenied(_("您无权填报该机构或科室的指标数据。"))
        value = services.indicator_value_record(
            indicator=d["indicator"], institution=institution or d["institution"], department=dept or department_code,
            period=d["period"], numerator=d["numerator"], denominator=d.get("denominator"),
            source=IndicatorValue.Source.API, actor=request.user,
        )
        # The answer from the row just written (its indicator, hospital, department and author are the
        # instances it was written with): no second read.
        return Response(IndicatorValueSerializer(value).data, status=status.HTTP_201_CREATED)
