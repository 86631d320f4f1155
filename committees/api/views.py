"""/api/v1/ for meetings, agenda items, attendance, decisions and action items (API.md conventions)."""
from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from committees import selectors, services
from committees.api import serializers as s
from committees.models import (
    ActionEvidence,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingBody,
)
from committees.workflow import ActionStatus, MeetingStatus
from organizations.models import Department
from qms.core.idempotency import idempotent
from qms.filters import SyncDateTimeFilter, UpdatedSinceFilterSet
from qms.parsers import JSONParser
from qms.uploads import download_response

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class BodyFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")

    class Meta:
        model = MeetingBody
        fields = ["institution", "department", "kind", "updated_since"]


class MeetingFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    starts_after = SyncDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = SyncDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["institution", "department", "body", "status", "kind", "updated_since"]


class MeetingChildFilter(UpdatedSinceFilterSet):
    class Meta:
        fields = ["meeting", "updated_since"]


class AgendaFilter(MeetingChildFilter):
    class Meta(MeetingChildFilter.Meta):
        model = AgendaItem


class AttendanceFilter(MeetingChildFilter):
    class Meta(MeetingChildFilter.Meta):
        model = Attendance


class DecisionFilter(MeetingChildFilter):
    class Meta(MeetingChildFilter.Meta):
        model = Decision


class ActionItemFilter(UpdatedSinceFilterSet):
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = ActionItem
        fields = ["institution", "department", "status", "owner", "meeting", "body", "updated_since"]

    def filter_overdue(self, qs: Any, name: str, value: bool) -> Any:
        today = timezone.localdate()
        q = {"status": ActionStatus.OPEN, "due_on__lt": today}
        return qs.filter(**q) if value else qs.exclude(**q)


@extend_schema_view(list=extend_schema(summary="可见的会议主体"), retrieve=extend_schema(summary="会议主体"))
class MeetingBodyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.MeetingBodySerializer
    filterset_class = BodyFilter

    def get_queryset(self):
        return selectors.visible_bodies(self.request.user).order_by("institution__code", "kind", "id")


def _department(meeting: Meeting, code: str | None) -> Department | None:
    if code is None:
        return None
    dept = Department.objects.filter(institution_id=meeting.institution_id, code=code).first()
    if dept is None:
        raise ValidationError({"department": _("本院没有代码为 %(code)s 的科室。") % {"code": code}})
    return dept


@extend_schema_view(
    list=extend_schema(summary="可见的会议"),
    retrieve=extend_schema(summary="会议（含议程、出席、法定人数、决议）"),
    create=extend_schema(summary="计划会议：生成议程草案（遗留整改事项与各模块提示）"),
    partial_update=extend_schema(summary="修改会议信息（纪要批准前）", request=s.MeetingUpdateSerializer),
)
class MeetingViewSet(viewsets.ModelViewSet):
    filterset_class = MeetingFilter
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        qs = selectors.visible_meetings(self.request.user).order_by("-starts_at", "-id")
        if self.action != "list":
            qs = qs.prefetch_related(*selectors._detail_prefetches())
        return qs

    def get_serializer_class(self):
        return s.MeetingDetailSerializer if self.action not in ("list", "create") else s.MeetingSerializer

    def _detail(self, meeting: Meeting, code: int = 200) -> Response:
        fresh = selectors.visible_meetings(self.request.user).prefetch_related(*selectors._detail_prefetches()).get(pk=meeting.pk)
        return Response(s.MeetingDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = s.MeetingSerializer(data=request.data, context={"request": request},
                                         bodies=selectors.visible_bodies(request.user))
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        meeting = services.meeting_plan(body=d["body"], actor=request.user, starts_at=d["starts_at"], place=d["place"],
                                        chair=d.get("chair"), kind=d.get("kind", Meeting.Kind.MONTHLY), title=d.get("title", ""))
        return self._detail(meeting, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = s.MeetingUpdateSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        services.meeting_update(meeting=meeting, actor=request.user, **serializer.validated_data)
        return self._detail(meeting)

    @extend_schema(summary="确认会议已召开", request=None)
    @action(detail=True, methods=["post"])
    @idempotent
    def hold(self, request, pk=None):
        meeting = services.meeting_hold(meeting=self.get_object(), actor=request.user)
        return self._detail(meeting)

    @extend_schema(summary="主持人批准会议纪要（须达到法定人数；生成 PDF 存档）", request=None)
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        meeting = self.get_object()
        services.meeting_approve(meeting=meeting, actor=request.user)
        return self._detail(meeting)

    @extend_schema(summary="发起更正（生成新版本，原版本保留）", request=s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def correct(self, request, pk=None):
        meeting = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.meeting_correction_open(meeting=meeting, actor=request.user, reason=ser.validated_data["reason"])
        return self._detail(meeting)

    @extend_schema(summary="取消会议", request=s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        meeting = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.meeting_cancel(meeting=meeting, actor=request.user, reason=ser.validated_data["reason"])
        return self._detail(meeting)

    @extend_schema(summary="记录出席情况（批量）", request=s.AttendanceBulkSerializer)
    @action(detail=True, methods=["post"], url_path="attendance")
    @idempotent
    def record_attendance(self, request, pk=None):
        meeting = self.get_object()
        ser = s.AttendanceBulkSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.attendance_record(meeting=meeting, actor=request.user, entries=ser.validated_data["attendance"])
        return self._detail(meeting)

    @extend_schema(summary="会议纪要 PDF（已批准：存档版本；否则为草稿）", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="minutes.pdf", url_name="minutes-pdf-slash")
    def minutes_pdf(self, request, pk=None):
        from committees.pdf import render_minutes_pdf

        meeting = self.get_object()
        if meeting.status == MeetingStatus.APPROVED:
            version = meeting.minutes_versions.get(version=meeting.minutes_version)
            with version.pdf.open("rb") as fh:
                data = fh.read()
        else:
            data = render_minutes_pdf(meeting)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema_view(
    list=extend_schema(summary="议程"),
    create=extend_schema(summary="增加议题"),
    partial_update=extend_schema(summary="修改议题或会议记录"),
    destroy=extend_schema(summary="从议程草案删除议题（仅会议召开前）"),
)
class AgendaItemViewSet(viewsets.ModelViewSet):
    serializer_class = s.AgendaItemSerializer
    filterset_class = AgendaFilter
    http_method_names = [*WRITE_METHODS, "delete"]

    def get_queryset(self):
        return selectors.visible_agenda_items(self.request.user).order_by("meeting_id", "order", "id")

    @idempotent
    def create(self, request, *args, **kwargs):
        ser = s.AgendaItemSerializer(data=request.data, meetings=selectors.visible_meetings(request.user))
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        item = services.agenda_item_add(meeting=d["meeting"], actor=request.user, title=d["title"],
                                        detail=d.get("detail", ""), order=d.get("order"))
        return Response(s.AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        ser = s.AgendaItemSerializer(item, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        d = {k: v for k, v in ser.validated_data.items() if k in ("title", "detail", "minutes", "order")}
        item = services.agenda_item_update(item=item, actor=request.user, **d)
        return Response(s.AgendaItemSerializer(item).data)

    def destroy(self, request, *args, **kwargs):
        services.agenda_item_remove(item=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(summary="出席记录"), partial_update=extend_schema(summary="修改一名成员的出席情况"))
class AttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AttendanceSerializer
    filterset_class = AttendanceFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_attendance(self.request.user).order_by("meeting_id", "id")

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        ser = s.AttendanceSerializer(row, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        entry = {"user": row.user_id, "status": ser.validated_data.get("status", row.status),
                 "proxy_name": ser.validated_data.get("proxy_name", row.proxy_name),
                 "note": ser.validated_data.get("note", row.note)}
        services.attendance_record(meeting=row.meeting, actor=request.user, entries=[entry])
        row.refresh_from_db()
        return Response(s.AttendanceSerializer(row).data)


@extend_schema_view(list=extend_schema(summary="会议决议"), create=extend_schema(summary="形成决议"),
                    partial_update=extend_schema(summary="修改决议（纪要批准前）"))
class DecisionViewSet(viewsets.ModelViewSet):
    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return selectors.visible_decisions(self.request.user).order_by("meeting_id", "order", "id")

    @idempotent
    def create(self, request, *args, **kwargs):
        ser = s.DecisionSerializer(data=request.data, context={"request": request},
                                   meetings=selectors.visible_meetings(request.user))
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        decision = services.decision_add(meeting=d["meeting"], actor=request.user, text=d["text"], agenda_item=d.get("agenda_item"))
        return Response(s.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        decision = self.get_object()
        ser = s.DecisionSerializer(decision, data=request.data, context={"request": request}, partial=True)
        ser.is_valid(raise_exception=True)
        if "text" in ser.validated_data:
            decision = services.decision_update(decision=decision, actor=request.user, text=ser.validated_data["text"])
        return Response(s.DecisionSerializer(decision).data)


@extend_schema_view(
    list=extend_schema(summary="整改事项"),
    retrieve=extend_schema(summary="整改事项（含佐证材料）"),
    create=extend_schema(summary="由决议登记整改事项"),
    partial_update=extend_schema(summary="修改整改事项（纪要批准前）", request=s.ActionItemUpdateSerializer),
)
class ActionItemViewSet(viewsets.ModelViewSet):
    filterset_class = ActionItemFilter
    http_method_names = WRITE_METHODS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.visible_action_items(self.request.user).order_by("due_on", "id")
        if self.action != "list":
            qs = qs.prefetch_related("evidence")
        return qs

    def get_serializer_class(self):
        return s.ActionItemSerializer if self.action in ("list", "create") else s.ActionItemDetailSerializer

    def _out(self, item: ActionItem, code: int = 200) -> Response:
        fresh = selectors.visible_action_items(self.request.user).prefetch_related("evidence").get(pk=item.pk)
        return Response(s.ActionItemDetailSerializer(fresh).data, status=code)

    @idempotent
    def create(self, request, *args, **kwargs):
        decisions = selectors.visible_decisions(request.user)
        ser = s.ActionItemSerializer(data=request.data, context={"request": request}, decisions=decisions)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        decision = d["decision"]
        dept_code = (d.get("department") or {}).get("code")
        item = services.action_item_create(
            decision=decision, actor=request.user, department=_department(decision.meeting, dept_code),
            owner=d.get("owner"), title=d["title"], due_on=d.get("due_on"), description=d.get("description", ""),
        )
        return self._out(item, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        ser = s.ActionItemUpdateSerializer(data=request.data, context={"request": request}, partial=True)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        if "department" in d:
            d["department"] = _department(item.meeting, d["department"])
        services.action_item_update(item=item, actor=request.user, **d)
        return self._out(item)

    @extend_schema(summary="责任人标记完成（落实情况）", request=s.DoneSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def done(self, request, pk=None):
        item = self.get_object()
        ser = s.DoneSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.action_item_mark_done(item=item, actor=request.user, evidence_text=ser.validated_data.get("evidence_text", ""))
        return self._out(item)

    @extend_schema(summary="质控办核实", request=s.NoteSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def verify(self, request, pk=None):
        item = self.get_object()
        ser = s.NoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.action_item_verify(item=item, actor=request.user, note=ser.validated_data.get("note", ""))
        return self._out(item)

    @extend_schema(summary="退回重新落实", request=s.ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    @idempotent
    def send_back(self, request, pk=None):
        item = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.action_item_return(item=item, actor=request.user, reason=ser.validated_data["reason"])
        return self._out(item)

    @extend_schema(summary="上传佐证材料（PDF、PNG、JPEG、DOCX、XLSX）", request={"multipart/form-data": s.EvidenceUploadSerializer})
    @action(detail=True, methods=["post"], url_path="evidence")
    @idempotent
    def upload_evidence(self, request, pk=None):
        item = self.get_object()
        ser = s.EvidenceUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        evidence = services.action_evidence_add(item=item, actor=request.user, upload=ser.validated_data["file"])
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="下载佐证材料", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>\d+)", url_name="evidence-download")
    def download_evidence(self, request, pk=None, evidence_id=None):
        item = self.get_object()
        evidence = get_object_or_404(ActionEvidence, pk=evidence_id, action_item=item)
        return download_response(evidence.file, name=evidence.original_name, content_type=evidence.content_type)
