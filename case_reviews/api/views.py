from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from case_reviews import services
from case_reviews.api import serializers as s
from case_reviews.models import Case, CaseReview
from case_reviews.selectors import case_access_log, visible_cases, visible_reviews, visible_rounds
from organizations.models import Membership
from organizations.selectors import get_scope, visible_institutions
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet


class CaseFilter(UpdatedSinceFilterSet):
    class Meta:
        model = Case
        fields = ["updated_since"]


@extend_schema_view(list=extend_schema(summary="病例库（病案首页最小子集；每次查阅均记录）"))
class CasePoolViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return visible_cases(self.request.user).order_by("-discharged_on", "record_number")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        case_access_log(user=request.user, cases=page, action="api", path=request.get_full_path())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="HIS 批量推送出院病例（按病案号幂等）", request=s.CasePoolPushSerializer,
                   responses={200: s.CasePoolResultSerializer, 400: OpenApiTypes.OBJECT})
    @idempotent
    def create(self, request: Request) -> Response:
        body = s.CasePoolPushSerializer(data=request.data if isinstance(request.data, dict) else {"cases": request.data})
        body.is_valid(raise_exception=True)
        code = body.validated_data.get("institution")
        assert request.user.is_authenticated  # DRF's default IsAuthenticated permission
        scope = get_scope(request.user)
        if code:
            institution = visible_institutions(request.user).filter(code=code).first()
            if institution is None:
                raise serializers.ValidationError({"institution": [_("未知的医疗机构代码：%(c)s。") % {"c": code}]})
        elif len(scope.institution_ids) == 1:
            institution = visible_institutions(request.user).get(pk=next(iter(scope.institution_ids)))
        else:
            raise serializers.ValidationError({"institution": [_("请填写医疗机构代码。")]})
        if not (scope.superuser or Membership.objects.filter(
                user_id=request.user.pk or 0, institution=institution, is_active=True,
                role__in=[Membership.Role.HIS, Membership.Role.QUALITY_OFFICE]).exists()):
            raise PermissionDenied(_("只有本院 HIS 系统账号或质控办可以推送病例。"))
        result = services.case_pool_upsert(institution=institution, rows=body.validated_data["cases"], actor=request.user)
        return Response(result, status=status.HTTP_200_OK)


class ReviewFilter(UpdatedSinceFilterSet):
    class Meta:
        model = CaseReview
        fields = ["status", "category", "round", "updated_since"]


@extend_schema_view(list=extend_schema(summary="重点病例评价（评价专家只见分配给自己的病例）"),
                    retrieve=extend_schema(summary="重点病例评价详情"))
class CaseReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CaseReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[CaseReview]:
        return visible_reviews(self.request.user).prefetch_related("findings").order_by("id")

    @extend_schema(summary="加入一例重点病例评价（第三十六条）", request=s.CaseReviewCreateSerializer,
                   responses={201: s.CaseReviewSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @idempotent
    def create(self, request: Request) -> Response:
        body = s.CaseReviewCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        institution = visible_institutions(request.user).filter(code=data["institution"]).first()
        if institution is None:
            raise serializers.ValidationError({"institution": [_("未知的医疗机构代码：%(c)s。") % {"c": data["institution"]}]})
        rnd = None
        if data.get("round"):
            rnd = visible_rounds(request.user).filter(pk=data["round"]).first()
            if rnd is None:
                raise serializers.ValidationError({"round": [_("未知的评价批次。")]})
        review = services.review_add(actor=request.user, institution=institution, category=data["category"],
                                     record_number=data["record_number"], focus=data["focus"], round=rnd,
                                     reason=data["reason"])
        return Response(s.CaseReviewSerializer(review).data, status=status.HTTP_201_CREATED)
