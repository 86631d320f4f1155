from __future__ import annotations

import django_filters
from django.db.models import Q
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from bulletins import services
from bulletins.api.serializers import (
    PERIOD_RE,
    BulletinAcceptedSerializer,
    BulletinCommentarySerializer,
    BulletinProgressSerializer,
    BulletinSerializer,
    BulletinStartSerializer,
)
from bulletins.models import Bulletin
from bulletins.permissions import can_manage
from bulletins.selectors import visible_bulletins
from bulletins.workflow import FROZEN, Status
from organizations.selectors import visible_institutions
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet


class BulletinFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    period = django_filters.CharFilter(method="filter_period")
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Bulletin
        fields = ["institution", "period", "status", "updated_since"]

    def filter_period(self, qs, name, value):
        match = PERIOD_RE.match(value or "")
        if not match:
            return qs.none()
        return qs.filter(Q(year=int(match.group(1))) & Q(month=int(match.group(2))))


def progress_payload(bulletin: Bulletin) -> dict:
    ready = bulletin.status in {Status.READY, *FROZEN} and bool(bulletin.pdf)
    return {
        "status": bulletin.status,
        "status_display": bulletin.get_status_display(),
        "percent": bulletin.progress,
        "step": bulletin.step,
        "ready": ready,
        "pdf_url": reverse("bulletin-pdf", args=[bulletin.pk]) if ready else "",
    }


def pdf_response(bulletin: Bulletin) -> FileResponse:
    name = f"{bulletin.institution.code}-质量安全月刊-{bulletin.period}-v{bulletin.version}.pdf"
    response = FileResponse(bulletin.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    if bulletin.pdf_checksum:
        response["X-Checksum-SHA256"] = bulletin.pdf_checksum
    return response


@extend_schema_view(
    list=extend_schema(summary="可见的质量安全月刊"),
    retrieve=extend_schema(summary="质量安全月刊"),
)
class BulletinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter

    def get_queryset(self):
        return visible_bulletins(self.request.user).order_by("-year", "-month", "-version", "-id")

    def _manage(self, bulletin: Bulletin) -> None:
        if not can_manage(self.request.user, bulletin.institution_id):
            raise PermissionDenied("只有本院质控办可以编辑、发布质量安全月刊。")

    @extend_schema(
        summary="编制某月的质量安全月刊",
        request=BulletinStartSerializer,
        responses={202: BulletinAcceptedSerializer, 400: OpenApiResponse(description="期间无效或为将来月份")},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        body = BulletinStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = body.validated_data["institution"]
        year, month = body.validated_data["period"]
        # An unknown code and a hospital outside one's reach answer alike (never reveal that it exists).
        institution = visible_institutions(request.user).filter(code=code).first()
        if institution is None:
            return Response({"institution": [f"无此医疗机构：{code}"]}, status=status.HTTP_400_BAD_REQUEST)
        if not can_manage(request.user, institution.pk):
            raise PermissionDenied("只有本院质控办可以编制质量安全月刊。")
        bulletin, _created = services.bulletin_start(institution=institution, year=year, month=month,
                                                     actor=request.user)
        bulletin.refresh_from_db()
        return Response(
            {
                "id": bulletin.pk,
                "status": bulletin.status,
                "issue_number": bulletin.issue_number,
                "version": bulletin.version,
                "progress": request.build_absolute_uri(reverse("bulletin-progress", args=[bulletin.pk])),
                "pdf": request.build_absolute_uri(reverse("bulletin-pdf", args=[bulletin.pk])),
            },
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": request.build_absolute_uri(reverse("bulletin-detail", args=[bulletin.pk]))},
        )

    @extend_schema(summary="生成进度", responses=BulletinProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        bulletin = self.get_object()
        return Response(progress_payload(bulletin))

    @extend_schema(
        summary="下载 PDF",
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf"),
                   409: BulletinProgressSerializer},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None):
        bulletin = self.get_object()
        payload = progress_payload(bulletin)
        if not payload["ready"]:
            payload["detail"] = "PDF 尚未生成，请稍后再试。"
            payload["progress_url"] = request.build_absolute_uri(reverse("bulletin-progress", args=[bulletin.pk]))
            return Response(payload, status=status.HTTP_409_CONFLICT)
        return pdf_response(bulletin)

    @extend_schema(summary="修改卷首语及各部分评述", request=BulletinCommentarySerializer, responses=BulletinSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def commentary(self, request: Request, pk: str | None = None) -> Response:
        bulletin = self.get_object()
        self._manage(bulletin)
        body = BulletinCommentarySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        bulletin = services.bulletin_update_commentary(
            bulletin=bulletin, actor=request.user,
            foreword=body.validated_data.get("foreword"), commentary=body.validated_data.get("commentary"),
        )
        bulletin.refresh_from_db()
        return Response(BulletinSerializer(bulletin, context={"request": request}).data)

    @extend_schema(summary="发布（冻结并归档）", request=None, responses=BulletinSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def publish(self, request: Request, pk: str | None = None) -> Response:
        bulletin = self.get_object()
        self._manage(bulletin)
        bulletin = services.bulletin_publish(bulletin=bulletin, actor=request.user)
        return Response(BulletinSerializer(bulletin, context={"request": request}).data)

