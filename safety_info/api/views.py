from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.selectors import visible_departments, visible_institutions
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet
from safety_info import services
from safety_info.api import serializers as s
from safety_info.export import render_xlsx
from safety_info.models import EventExport, SafetyRecord
from safety_info.selectors import visible_records


class RecordFilter(UpdatedSinceFilterSet):
    class Meta:
        model = SafetyRecord
        fields = ["kind", "status", "updated_since"]


@extend_schema_view(list=extend_schema(summary="医疗质量安全信息登记（第三十八条）"), retrieve=extend_schema(summary="登记详情"))
class SafetyRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SafetyRecordSerializer
    filterset_class = RecordFilter

    def get_queryset(self):
        return visible_records(self.request.user).prefetch_related("adverse_events").order_by("-received_on", "-id")

    @extend_schema(summary="登记医疗投诉、纠纷、事故或诉讼（第三十八条）", request=s.SafetyRecordCreateSerializer,
                   responses={201: s.SafetyRecordSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @idempotent
    def create(self, request: Request) -> Response:
        from adverse_events.models import AdverseEvent

        body = s.SafetyRecordCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code, dept_code = data.pop("institution"), data.pop("department")
        institution = visible_institutions(request.user).filter(code=code).first()
        if institution is None:
            raise serializers.ValidationError({"institution": [_("未知的医疗机构代码：%(c)s。") % {"c": code}]})
        department = visible_departments(request.user).filter(institution=institution, code=dept_code).first()
        if department is None:
            raise serializers.ValidationError({"department": [_("未知的科室代码：%(c)s。") % {"c": dept_code}]})
        ids = data.pop("adverse_events")
        events = list(AdverseEvent.objects.filter(institution=institution, pk__in=ids))
        if len(events) != len(set(ids)):
            raise serializers.ValidationError({"adverse_events": [_("不良事件不存在或不属于该医疗机构。")]})
        record = services.safety_record_register(institution=institution, department=department, actor=request.user,
                                                 adverse_events=events, **data)
        return Response(s.SafetyRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ExportFilter(UpdatedSinceFilterSet):
    class Meta:
        model = EventExport
        fields = ["updated_since"]


@extend_schema_view(list=extend_schema(summary="向上级平台导出的不良事件（所发送内容的记录）"),
                    retrieve=extend_schema(summary="导出记录"))
class EventExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.EventExportSerializer
    filterset_class = ExportFilter

    def get_queryset(self):
        ids = visible_institutions(self.request.user).values("pk")
        return EventExport.objects.filter(institution_id__in=ids).select_related("institution")

    @extend_schema(summary="导出某月不良事件（qms.adverse-events 1.0，按事件标识幂等）", request=s.EventExportCreateSerializer,
                   responses={201: s.EventExportSerializer, 200: s.EventExportSerializer, 400: OpenApiTypes.OBJECT})
    @idempotent
    def create(self, request: Request) -> Response:
        body = s.EventExportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        institution = visible_institutions(request.user).filter(code=body.validated_data["institution"]).first()
        if institution is None:
            raise serializers.ValidationError({"institution": [_("未知的医疗机构代码：%(c)s。") % {"c": body.validated_data["institution"]}]})
        period = dt.date.fromisoformat(body.validated_data["period"] + "-01")
        export, created = services.event_export_create(institution=institution, period=period, actor=request.user)
        return Response(s.EventExportSerializer(export).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(summary="导出内容（JSON）", responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], url_path="json")
    def payload_json(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.get_object().payload)

    @extend_schema(summary="导出内容（xlsx）", responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="xlsx")
    def payload_xlsx(self, request: Request, pk: str | None = None) -> HttpResponse:
        export = self.get_object()
        response = HttpResponse(render_xlsx(export.payload),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="adverse-events-{export.institution.code}-{export.payload["period"]}-r{export.revision}.xlsx"'
        return response
