"""The second-wave credentialing paths of API.md: privilege-items, privileges (record, suspend / revoke / restore,
check, emergency-uses), plus procedure reports and reviews."""
from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from credentialing import services
from credentialing.api.auth import CheckTokenAuthentication
from credentialing.api.serializers import (
    CheckAnswerSerializer,
    EmergencyUseCreateSerializer,
    EmergencyUseSerializer,
    PrivilegeCreateSerializer,
    PrivilegeItemSerializer,
    PrivilegeSerializer,
    ProcedureCreateSerializer,
    ReasonSerializer,
    ReviewDecideSerializer,
    ReviewSerializer,
)
from credentialing.check import UnknownItem, UnknownStaff, privilege_check
from credentialing.models import Category, Privilege, PrivilegeItem, PrivilegeReview
from credentialing.selectors import visible_emergency_uses, visible_items, visible_privileges
from credentialing.workflow import Status
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet
from staff.models import Staff
from staff.selectors import acting_institution_id


def _staff(institution_id: int, code: str, field: str = "staff") -> Staff:
    staff = Staff.objects.select_related("institution", "department").filter(institution_id=institution_id, code=code).first()
    if staff is None:
        raise serializers.ValidationError({field: [_("未知的工号：%(c)s。") % {"c": code}]})
    return staff


def _item(institution_id: int, code: str) -> PrivilegeItem:
    item = PrivilegeItem.objects.filter(institution_id=institution_id, code=code).first()
    if item is None:
        raise serializers.ValidationError({"item": [_("未知的授权项目编码：%(c)s。") % {"c": code}]})
    return item


class ItemFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = PrivilegeItem
        fields = ["institution", "category", "updated_since"]


class PrivilegeItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The 准入授权 catalogue of the caller's hospitals."""

    serializer_class = PrivilegeItemSerializer
    filterset_class = ItemFilter
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[PrivilegeItem]:
        return visible_items(self.request.user).order_by("institution__code", "category", "code")

    def get_object(self) -> PrivilegeItem:
        found = list(self.get_queryset().filter(code=self.kwargs["code"])[:2])
        if len(found) != 1:
            raise Http404
        return found[0]


class PrivilegeFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="staff__department__code")
    staff = django_filters.CharFilter(field_name="staff__code")
    item = django_filters.CharFilter(field_name="item__code")
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Privilege
        fields = ["institution", "department", "staff", "item", "status", "updated_since"]


class PrivilegeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PrivilegeSerializer
    filterset_class = PrivilegeFilter

    def get_queryset(self) -> QuerySet:
        return visible_privileges(self.request.user).order_by("-updated_at", "-id")

    @extend_schema(
        summary="登记已决定的授权（如导入既有授权名册）", request=PrivilegeCreateSerializer,
        responses={201: PrivilegeSerializer, 400: OpenApiResponse(description="违反的规则（职称、期限、日期）")},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        body = PrivilegeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        inst = acting_institution_id(request.user, d.get("institution"))
        p = services.privilege_record(
            staff=_staff(inst, d["staff"]), item=_item(inst, d["item"]), valid_from=d["valid_from"],
            valid_until=d["valid_until"], basis=d["basis"], actor=request.user,
        )
        return Response(PrivilegeSerializer(self.get_queryset().get(pk=p.pk)).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, fn: Any) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        p = fn(privilege=self.get_object(), actor=request.user, reason=body.validated_data["reason"])
        return Response(PrivilegeSerializer(self.get_queryset().get(pk=p.pk)).data)

    @extend_schema(summary="暂停授权（须说明原因）", request=ReasonSerializer, responses=PrivilegeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.privilege_suspend)

    @extend_schema(summary="撤销授权（须说明原因）", request=ReasonSerializer, responses=PrivilegeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.privilege_revoke)

    @extend_schema(summary="恢复授权（须说明理由）", request=ReasonSerializer, responses=PrivilegeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def restore(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.privilege_restore)

    @extend_schema(summary="授权的动态评估记录", responses=ReviewSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        p = self.get_object()
        return Response(ReviewSerializer(p.reviews.all(), many=True).data)

    @extend_schema(summary="办理待完成的动态评估", request=ReviewDecideSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="review")
    @idempotent
    def review(self, request: Request, pk: str | None = None) -> Response:
        p = self.get_object()
        body = ReviewDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        open_review = PrivilegeReview.objects.filter(privilege=p, reviewed_at__isnull=True).first()
        if open_review is None:
            raise serializers.ValidationError({"non_field_errors": [_("该授权没有待办的动态评估。")]})
        r = services.privilege_review_decide(review=open_review, actor=request.user, **body.validated_data)
        return Response(ReviewSerializer(r).data)



def _check_params(params: Any) -> dict:
    """The check's query parameters, validated by hand (the DRF serializer costs more than the whole answer on
    a cache hit); the same rules and messages as CheckQuerySerializer."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, limit in (("staff", 32), ("item", 40), ("institution", 32)):
        value = (params.get(name) or "").strip()
        if not value:
            if name != "institution":
                errors[name] = [_("该字段是必填项。")]
        elif len(value) > limit:
            errors[name] = [_("请确保这个字段不能超过 %(n)s 个字符。") % {"n": limit}]
        else:
            out[name] = value
    at = params.get("at")
    if at:
        parsed = parse_datetime(at.strip())
        if parsed is None:
            errors["at"] = [_("日期时间格式错误，请使用 ISO 8601 格式。")]
        else:
            out["at"] = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    if errors:
        raise serializers.ValidationError(errors)
    return out


class PrivilegeCheckView(APIView):
    """On the HIS ordering path: for a HIS account the token query also reads the hospital's check generation,
    so a cached answer costs that one query (plus the HIS request log); a miss adds three, whatever the data."""

    authentication_classes = [CheckTokenAuthentication, SessionAuthentication]

    @extend_schema(
        summary="授权校验（HIS 下医嘱、排手术前调用）",
        parameters=[
            OpenApiParameter("staff", str, required=True, description="工号"),
            OpenApiParameter("item", str, required=True, description="授权项目编码"),
            OpenApiParameter("at", str, required=False, description="时刻（ISO 8601），默认现在"),
            OpenApiParameter("institution", str, required=False, description="医疗机构编码（HIS 账号不需要）"),
        ],
        responses={200: CheckAnswerSerializer, 400: OpenApiResponse(description="参数错误"),
                   404: OpenApiResponse(description="本院无此工号")},
    )
    def get(self, request: Request) -> Response:
        d = _check_params(request.query_params)
        try:
            inst = acting_institution_id(request.user, d.get("institution"))
        except DjangoValidationError:
            raise Http404 from None
        generation = getattr(request.user, "check_generation", None)
        if generation is not None and inst != getattr(request.user, "his_institution_id", None):
            generation = None  # not the account's own hospital (acting_institution_id refuses that anyway)
        try:
            answer = privilege_check(institution_id=inst, staff_code=d["staff"], item_code=d["item"], at=d.get("at"),
                                     generation=generation)
        except UnknownStaff:
            raise Http404 from None
        except UnknownItem:
            raise serializers.ValidationError({"item": [_("未知的授权项目编码：%(c)s。") % {"c": d["item"]}]}) from None
        if answer["valid_until"] is not None:
            answer["valid_until"] = answer["valid_until"].isoformat()
        return Response(answer)


class EmergencyUseView(APIView):
    @extend_schema(summary="紧急越级使用记录", responses=EmergencyUseSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = visible_emergency_uses(request.user).order_by("-used_at")[:200]
        return Response(EmergencyUseSerializer(qs, many=True).data)

    @extend_schema(
        summary="登记紧急越级使用（抗菌药物临床应用管理办法 第二十八条：24小时内补办手续）",
        request=EmergencyUseCreateSerializer,
        responses={201: EmergencyUseSerializer, 400: OpenApiResponse(description="确认人为本人或未持有该授权")},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = EmergencyUseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        inst = acting_institution_id(request.user, d.get("institution"))
        use = services.emergency_use_record(
            staff=_staff(inst, d["staff"]), item=_item(inst, d["item"]), used_at=d["used_at"], reason=d["reason"],
            confirmed_by=_staff(inst, d["confirmed_by"], "confirmed_by"), actor=request.user,
            record_number=d["record_number"],
        )
        return Response(EmergencyUseSerializer(use).data, status=status.HTTP_201_CREATED)


class ProcedureView(APIView):
    @extend_schema(summary="HIS 报告一例手术或技术操作（动态评估的例数与结局）", request=ProcedureCreateSerializer,
                   responses={201: OpenApiResponse(description="已记录")})
    @idempotent
    def post(self, request: Request) -> Response:
        body = ProcedureCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        inst = acting_institution_id(request.user, d.pop("institution", None))
        from staff.permissions import can_write

        if not can_write(request.user, inst):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        rec = services.procedure_record(staff=_staff(inst, d.pop("staff")), item=_item(inst, d.pop("item")), **d)
        return Response({"id": rec.pk}, status=status.HTTP_201_CREATED)
