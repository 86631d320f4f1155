from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.models import Authority, Institution
from qc_centres import services
from qc_centres.api import serializers as s
from qc_centres.models import QcCentre
from qc_centres.selectors import coverage, visible_centres, visible_visits
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet


class CentreFilter(UpdatedSinceFilterSet):
    class Meta:
        model = QcCentre
        fields = ["status", "specialty", "card", "updated_since"]


@extend_schema_view(list=extend_schema(summary="质控中心（济南质控中心办法）"), retrieve=extend_schema(summary="质控中心详情"))
class CentreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CentreSerializer
    filterset_class = CentreFilter

    def get_queryset(self):
        return visible_centres(self.request.user).order_by("id")

    @extend_schema(summary="设置质控中心，确定挂靠单位（第四条、第五条、第八条、第十九条）", request=s.CentreCreateSerializer,
                   responses={201: s.CentreSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @idempotent
    def create(self, request: Request) -> Response:
        body = s.CentreCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        authority = Authority.objects.filter(code=d["authority"]).first()
        if authority is None:
            raise serializers.ValidationError({"authority": [_("未知的卫生健康行政部门代码。")]})
        host = Institution.objects.filter(code=d["host_institution"]).first()
        if host is None:
            raise serializers.ValidationError({"host_institution": [_("未知的医疗机构代码。")]})
        centre = services.centre_create(authority=authority, specialty=d["specialty"], name=d["name"],
                                        host_institution=host, term_start=d["term_start"], actor=request.user,
                                        kind=d["kind"], scope_department_names=d["scope_department_names"])
        return Response(s.CentreSerializer(centre).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="专家委员会成员", responses={200: s.ExpertSerializer(many=True)})
    @extend_schema(methods=["POST"], summary="提出专家委员会成员（第六条、第八条、第十九条（二））",
                   request=s.ExpertCreateSerializer,
                   responses={201: s.ExpertSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get", "post"], url_path="experts", pagination_class=None, filter_backends=[])
    def experts(self, request: Request, pk: str | None = None) -> Response:
        centre = self.get_object()
        if request.method == "GET":
            return Response(s.ExpertSerializer(centre.experts.order_by("role", "id"), many=True).data)
        return self._add_expert(request, centre)

    @idempotent
    def _add_expert(self, request: Request, centre: QcCentre) -> Response:
        body = s.ExpertCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        d["user"] = _account(d.pop("username"))
        expert = services.expert_add(centre=centre, actor=request.user, **d)
        return Response(s.ExpertSerializer(expert).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="公布专家委员会（第六条、第八条）", request=None,
                   responses={200: s.CentreSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="publish")
    def publish(self, request: Request, pk: str | None = None) -> Response:
        centre = services.committee_publish(centre=self.get_object(), actor=request.user)
        return Response(s.CentreSerializer(centre).data)

    @extend_schema(methods=["GET"], summary="年度考核", responses={200: s.AssessmentSerializer(many=True)})
    @extend_schema(methods=["POST"], summary="年度考核：红黄牌（第十九条（三）、第二十条）", request=s.AssessmentCreateSerializer,
                   responses={201: s.AssessmentSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get", "post"], url_path="assessments", pagination_class=None, filter_backends=[])
    def assessments(self, request: Request, pk: str | None = None) -> Response:
        centre = self.get_object()
        if request.method == "GET":
            return Response(s.AssessmentSerializer(centre.assessments.select_related("centre"), many=True).data)
        return self._assess(request, centre)

    @idempotent
    def _assess(self, request: Request, centre: QcCentre) -> Response:
        body = s.AssessmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        a = services.assessment_record(centre=centre, actor=request.user, **body.validated_data)
        return Response(s.AssessmentSerializer(a).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="年度质控覆盖（第十二条：每年不少于1次）",
                   parameters=[OpenApiParameter("year", int, description="default this year")],
                   responses={200: s.CoverageRowSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="coverage", pagination_class=None, filter_backends=[])
    def coverage(self, request: Request, pk: str | None = None) -> Response:
        centre = self.get_object()
        try:
            year = int(request.query_params.get("year") or timezone.localdate().year)
        except ValueError:
            raise serializers.ValidationError({"year": [_("请输入有效的年份。")]}) from None
        if not 2000 <= year <= 2100:
            raise serializers.ValidationError({"year": [_("请输入有效的年份。")]})
        rows = [{"institution": r["institution"].code, "name": r["institution"].name,
                 "visits": [v.visited_on for v in r["visits"]], "owed": r["owed"]} for r in coverage(centre, year)]
        return Response(s.CoverageRowSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], summary="质控督导", responses={200: s.VisitSerializer(many=True)})
    @extend_schema(methods=["POST"], summary="出具质控报告，问题进入整改（第十二条）", request=s.VisitCreateSerializer,
                   responses={201: s.VisitSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get", "post"], url_path="visits", pagination_class=None, filter_backends=[])
    def visits(self, request: Request, pk: str | None = None) -> Response:
        centre = self.get_object()
        if request.method == "GET":
            return Response(s.VisitSerializer(visible_visits(request.user).filter(centre=centre), many=True).data)
        return self._visit(request, centre)

    @idempotent
    def _visit(self, request: Request, centre: QcCentre) -> Response:
        body = s.VisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        institution = Institution.objects.filter(code=d.pop("institution")).first()
        if institution is None:
            raise serializers.ValidationError({"institution": [_("未知的医疗机构代码。")]})
        visit = services.visit_record(centre=centre, institution=institution, actor=request.user, **d)
        return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


def _account(username: str) -> Any:
    """The named account of a person (never a HIS system account), or None when no name is given."""
    if not username:
        return None
    from django.contrib.auth import get_user_model

    from organizations.models import Membership

    user = get_user_model().objects.filter(username=username, is_active=True).exclude(
        memberships__role=Membership.Role.HIS).first()
    if user is None:
        raise serializers.ValidationError({"username": [_("未知的账号。")]})
    return user
