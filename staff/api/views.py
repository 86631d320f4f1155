from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.models import Department
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet
from staff import services
from staff.api.serializers import StaffPushSerializer, StaffSerializer
from staff.models import Profession, Staff, Title
from staff.selectors import acting_institution, visible_staff


class StaffFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")
    profession = django_filters.ChoiceFilter(choices=Profession.choices)
    title = django_filters.ChoiceFilter(choices=Title.choices)

    class Meta:
        model = Staff
        fields = ["institution", "department", "profession", "title", "updated_since"]


class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The staff registry (工号 = `code`). HIS accounts see and push only their own hospital's staff."""

    serializer_class = StaffSerializer
    filterset_class = StaffFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Staff]:
        return visible_staff(self.request.user).order_by("institution__code", "code")

    def get_object(self) -> Staff:
        qs = self.filter_queryset(self.get_queryset()).filter(code=self.kwargs["code"])
        inst = self.request.query_params.get("institution")
        if inst:
            qs = qs.filter(institution__code=inst)
        found = list(qs[:2])
        if len(found) != 1:
            from django.http import Http404

            raise Http404
        return found[0]

    @extend_schema(
        summary="推送或更新人员（按工号，幂等）", request=StaffPushSerializer,
        responses={201: StaffSerializer, 200: StaffSerializer, 400: OpenApiResponse(description="字段错误")},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        body = StaffPushSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        institution = acting_institution(request.user, data.pop("institution", None))
        code = data.pop("code")
        if "department" in data:
            dept_code = data.pop("department")
            if dept_code:
                dept = Department.objects.filter(institution=institution, code=dept_code).first()
                if dept is None:
                    raise serializers.ValidationError({"department": [_("未知的科室编码。")]})
                data["department"] = dept
            else:
                data["department"] = None
        staff, created = services.staff_upsert(institution=institution, code=code, actor=request.user, **data)
        staff = visible_staff(request.user).get(pk=staff.pk)
        return Response(StaffSerializer(staff).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
