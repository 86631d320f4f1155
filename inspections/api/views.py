from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from inspections import selectors, services
from inspections.api.serializers import (
    ChecklistCreateSerializer,
    ChecklistSerializer,
    CompleteSerializer,
    CoreSystemSerializer,
    InspectionCreateSerializer,
    InspectionSerializer,
    RecordReviewCreateSerializer,
    RecordReviewSerializer,
    ResultInSerializer,
)
from inspections.models import Checklist, CoreSystem, Inspection, RecordReview
from organizations.selectors import visible_departments, visible_institutions
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet
from staff.models import Staff


def institution_for(user: Any, code: str | None) -> Any:
    qs = visible_institutions(user)
    if code:
        inst = qs.filter(code=code).first()
        if inst is None:
            raise ValidationError({"institution": [_("未知的医疗机构代码：%(c)s。") % {"c": code}]})
        return inst
    only = list(qs[:2])
    if len(only) != 1:
        raise ValidationError({"institution": [_("请填写医疗机构代码。")]})
    return only[0]


def department_for(user: Any, institution: Any, code: str | None, field: str = "department") -> Any:
    if not code:
        return None
    dept = visible_departments(user).filter(institution=institution, code=code).first()
    if dept is None:
        raise ValidationError({field: [_("该医疗机构没有代码为 %(c)s 的科室。") % {"c": code}]})
    return dept


class CoreSystemViewSet(viewsets.ReadOnlyModelViewSet):
    """The 18 医疗质量安全核心制度 (reference data)."""

    serializer_class = CoreSystemSerializer
    queryset = CoreSystem.objects.order_by("order")
    lookup_field = "code"


class ChecklistFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    core_system = django_filters.CharFilter(field_name="core_system__code")

    class Meta:
        model = Checklist
        fields = ["institution", "core_system", "area", "updated_since"]


class ChecklistViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistSerializer
    filterset_class = ChecklistFilter

    def get_queryset(self) -> QuerySet[Checklist]:
        return selectors.visible_checklists(self.request.user).prefetch_related("current__items").order_by("institution", "code")

    @extend_schema(summary="新建检查表（条目、分值、扣分标准）", request=ChecklistCreateSerializer,
                   responses={201: ChecklistSerializer})
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ChecklistCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        inst = institution_for(request.user, d.get("institution"))
        core = None
        if d["core_system"]:
            core = CoreSystem.objects.filter(code=d["core_system"]).first() or CoreSystem.objects.filter(name=d["core_system"]).first()
            if core is None:
                raise ValidationError({"core_system": [_("未知的核心制度：%(c)s（CS01–CS18）。") % {"c": d["core_system"]}]})
        items = [dict(i) for i in d["items"]]
        c = services.checklist_create(institution=inst, code=d["code"], name=d["name"], items=items, actor=request.user,
                                      core_system=core, area=d["area"], for_records=d["for_records"])
        c = self.get_queryset().get(pk=c.pk)
        return Response(ChecklistSerializer(c).data, status=status.HTTP_201_CREATED)


class InspectionFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")
    checklist = django_filters.CharFilter(field_name="checklist__code")

    class Meta:
        model = Inspection
        fields = ["institution", "department", "checklist", "status", "tier", "kind", "updated_since"]


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self) -> QuerySet[Inspection]:
        return selectors.visible_inspections(self.request.user).prefetch_related("results__item").order_by("-inspected_on", "-id")

    def _fresh(self, pk: int) -> Response:
        return Response(InspectionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="开始一次检查（院级督查或科级自查）", request=InspectionCreateSerializer,
                   responses={201: InspectionSerializer})
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = InspectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        inst = institution_for(request.user, d["institution"])
        dept = department_for(request.user, inst, d["department"])
        ref = d["checklist"]
        qs = selectors.visible_checklists(request.user).filter(institution=inst, is_active=True)
        checklist = qs.filter(code=ref).first() or (qs.filter(pk=int(ref)).first() if ref.isdigit() else None)
        if checklist is None:
            raise ValidationError({"checklist": [_("该医疗机构没有编码为 %(c)s 的检查表。") % {"c": ref}]})
        insp = services.inspection_create(institution=inst, department=dept, checklist=checklist, kind=d["kind"],
                                          tier=d["tier"], inspected_on=d["inspected_on"], actor=request.user)
        response = self._fresh(insp.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(summary="录入检查结果（逐项扣分、问题、抽查病历号）；扣分不得超过该条分值",
                   request=ResultInSerializer(many=True), responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def results(self, request: Request, pk: str | None = None) -> Response:
        insp = self.get_object()
        data = request.data
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        body = ResultInSerializer(data=data, many=True, allow_empty=False)
        if not body.is_valid():
            errors = body.errors if isinstance(body.errors, list) else [body.errors]
            msgs = [f"第 {n} 项：{field} {'；'.join(map(str, errs))}" for n, e in enumerate(errors, 1) if isinstance(e, dict) for field, errs in e.items()]
            raise ValidationError({"results": msgs or [str(body.errors)]})
        services.inspection_results_record(inspection=insp, actor=request.user, results=[dict(r) for r in body.validated_data])
        return self._fresh(insp.pk)

    @extend_schema(summary="完成检查：每个扣分项转为整改（含整改期限）", request=CompleteSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def complete(self, request: Request, pk: str | None = None) -> Response:
        insp = self.get_object()
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.inspection_complete(inspection=insp, actor=request.user, due_on=body.validated_data["due_on"],
                                     summary=body.validated_data["summary"])
        return self._fresh(insp.pk)


class RecordReviewFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")
    physician = django_filters.CharFilter(field_name="physician__code")

    class Meta:
        model = RecordReview
        fields = ["institution", "department", "physician", "grade", "kind", "updated_since"]


class RecordReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RecordReviewSerializer
    filterset_class = RecordReviewFilter

    def get_queryset(self) -> QuerySet[RecordReview]:
        return selectors.visible_record_reviews(self.request.user).order_by("-reviewed_on", "-id")

    @extend_schema(summary="病历质控评价：按本院分数线评定甲/乙/丙级", request=RecordReviewCreateSerializer,
                   responses={201: RecordReviewSerializer})
    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = RecordReviewCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        inst = institution_for(request.user, d["institution"])
        dept = department_for(request.user, inst, d["department"])
        physician = Staff.objects.filter(institution=inst, code=d["physician"]).select_related("department").first()
        if physician is None:
            raise ValidationError({"physician": [_("该医疗机构没有工号为 %(c)s 的人员。") % {"c": d["physician"]}]})
        review = services.record_review_create(
            institution=inst, department=dept, record_number=d["record_number"], physician=physician,
            discharged_on=d["discharged_on"], kind=d["kind"], score=d["score"],
            deductions=[dict(x) for x in d["deductions"]], defects=d["defects"], note=d["note"],
            reviewed_on=d["reviewed_on"], actor=request.user,
        )
        return Response(RecordReviewSerializer(self.get_queryset().get(pk=review.pk)).data, status=status.HTTP_201_CREATED)


