from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adverse_events.selectors import visible_events
from interviews import services
from interviews.api import serializers as s
from interviews.models import Interview
from interviews.pdf import render_registration_form_pdf
from interviews.permissions import can_trigger, organiser_for
from interviews.selectors import interview_detail_queryset, overdue_q, visible_interviews
from interviews.workflow import Status
from organizations.selectors import visible_departments, visible_institutions
from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet


class InterviewFilter(UpdatedSinceFilterSet):
    status = django_filters.CharFilter(method="filter_status", label="状态（含 overdue：逾期）")
    institution = django_filters.CharFilter(field_name="institution__code")

    class Meta:
        model = Interview
        fields = ["status", "institution", "updated_since", "internal"]

    def filter_status(self, qs, name, value):
        wanted = [v for v in value.split(",") if v]
        unknown = set(wanted) - set(Status.values) - {"overdue"}
        if unknown:
            raise serializers.ValidationError({"status": [f"未知的状态：{', '.join(sorted(unknown))}"]})
        if "overdue" in wanted:
            wanted.remove("overdue")
            return qs.filter(overdue_q()) if not wanted else qs.filter(overdue_q() | Q(status__in=wanted))
        return qs.filter(status__in=wanted)


def _adverse_events(user, institution, ids: list[int]) -> list:
    """The events to attach, looked up among those the caller may see (issue 13 item 3): another's is unknown."""
    if not ids:
        return []
    found = list(visible_events(user).filter(institution=institution, pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"adverse_events": ["不良事件不存在或不属于该医疗机构。"]})
    return found


def _step(serializer_class: type[serializers.Serializer] | None, summary: str, description: str = "") -> dict:
    return {
        "summary": summary, "description": description,
        "request": serializer_class, "responses": {200: s.InterviewDetailSerializer, 400: OpenApiTypes.OBJECT,
                                                   403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    }


@extend_schema_view(
    list=extend_schema(summary="约谈列表", description="可见的约谈：组织约谈的行政部门及其上级、被约谈医疗机构的质控办和院领导。"
                       "?status= 可为逗号分隔的状态，或 overdue（逾期）。"),
    retrieve=extend_schema(summary="约谈详情"),
)
class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = InterviewFilter

    def get_queryset(self):
        if self.action == "list":
            return visible_interviews(self.request.user).order_by("-trigger_date", "-id")
        return interview_detail_queryset(self.request.user)

    def get_serializer_class(self):
        return s.InterviewSerializer if self.action == "list" else s.InterviewDetailSerializer

    def _done(self, interview: Interview, code: int = status.HTTP_200_OK) -> Response:
        fresh = interview_detail_queryset(self.request.user).get(pk=interview.pk)
        return Response(s.InterviewDetailSerializer(fresh).data, status=code)

    def _input(self, serializer_class: type[serializers.Serializer], request: Request) -> dict:
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    @extend_schema(summary="启动约谈（第四十五条）", request=s.InterviewCreateSerializer,
                   responses={201: s.InterviewDetailSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @idempotent
    def create(self, request: Request) -> Response:
        data = self._input(s.InterviewCreateSerializer, request)
        institution = visible_institutions(request.user).filter(code=data["institution"]).first()
        if institution is None:
            raise serializers.ValidationError({"institution": ["未知的医疗机构代码。"]})
        internal = data["internal"]
        if not can_trigger(request.user, institution, internal=internal):
            raise PermissionDenied("只有负责该医疗机构登记、校验的卫生健康行政部门（第四十四条）或医疗机构本身（内部约谈，第五十三条）可以启动约谈。")
        department = None
        if data.get("department"):
            department = visible_departments(request.user).filter(institution=institution, code=data["department"]).first()
            if department is None:
                raise serializers.ValidationError({"department": ["未知的科室代码。"]})
        events = _adverse_events(request.user, institution, data["adverse_events"])
        interview = services.interview_trigger(
            institution=institution, ground=data["trigger_ground"], trigger_date=data["trigger_date"],
            problems=data["problems"], actor=request.user, adverse_events=events, internal=internal,
            organiser=None if internal else organiser_for(request.user, institution), department=department,
        )
        return self._done(interview, status.HTTP_201_CREATED)

    @extend_schema(**_step(s.ApproveSerializer, "批准约谈（第四十六条）",
                           "只有组织约谈的卫生健康行政部门负责人（主任或分管副主任）可以批准；处（科）室负责人不能。"
                           "`approved_on` 默认今天，不早于启动日期、不晚于今天（补录纸质批准）。"))
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request: Request, pk: str) -> Response:
        d = self._input(s.ApproveSerializer, request)
        return self._done(services.interview_approve(
            interview=self.get_object(), actor=request.user, approved_on=d["approved_on"]))

    @extend_schema(**_step(s.ReconcileSerializer, "核对启动依据：继续或撤销（第四十五条（三））",
                           "触发约谈的不良事件被定为G级以下时，组织约谈的部门决定继续（keep）或撤销（cancel），须写明理由。"))
    @action(detail=True, methods=["post"])
    @idempotent
    def reconcile(self, request: Request, pk: str) -> Response:
        d = self._input(s.ReconcileSerializer, request)
        return self._done(services.interview_reconcile(
            interview=self.get_object(), actor=request.user, keep=d["decision"] == "keep", reason=d["reason"]))

    @extend_schema(**_step(s.InvestigateSerializer, "专家调查核实与归因分析（第四十六条（一））"))
    @action(detail=True, methods=["post"])
    @idempotent
    def investigate(self, request: Request, pk: str) -> Response:
        d = self._input(s.InvestigateSerializer, request)
        return self._done(services.interview_investigate(
            interview=self.get_object(), actor=request.user, experts=d["experts"], findings=d["findings"],
            cause_analysis=d["cause_analysis"], proposals=d["proposals"], investigated_on=d.get("investigated_on"),
        ))

    @extend_schema(**_step(s.NotifySerializer, "发送约谈通知（第四十六条（二））",
                           "`scheduled_at` 须不早于 `notified_on` 后第3个工作日，且不晚于 `hold_by`。"))
    @action(detail=True, methods=["post"])
    @idempotent
    def notify(self, request: Request, pk: str) -> Response:
        d = self._input(s.NotifySerializer, request)
        return self._done(services.interview_notify(
            interview=self.get_object(), actor=request.user, notified_on=d["notified_on"],
            scheduled_at=d["scheduled_at"], location=d["location"], content=d["content"],
        ))

    @extend_schema(**_step(s.HoldSerializer, "记录约谈（第四十六条（三）、第四十七条）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def hold(self, request: Request, pk: str) -> Response:
        d = self._input(s.HoldSerializer, request)
        return self._done(services.interview_hold(
            interview=self.get_object(), actor=request.user, held_at=d["held_at"],
            interviewers=[dict(p) for p in d["interviewers"]], interviewees=[dict(p) for p in d["interviewees"]],
            record=d["record"], problem_scale=d["problem_scale"], rectification_deadline=d["rectification_deadline"],
            record_introductions=d["record_introductions"], record_reasons=d["record_reasons"],
            record_explanation=d["record_explanation"], record_requirements=d["record_requirements"],
            form_signed=d["form_signed"], form_unsigned_reason=d["form_unsigned_reason"],
        ))

    @extend_schema(**_step(s.PlanSerializer, "提交整改方案（第四十九条）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def plan(self, request: Request, pk: str) -> Response:
        interview = self.get_object()
        d = self._input(s.PlanSerializer, request)
        measures = []
        for i, m in enumerate(d["measures"], start=1):
            dept = None
            if m.get("department"):
                dept = visible_departments(request.user).filter(institution=interview.institution, code=m["department"]).first()
                if dept is None:
                    raise serializers.ValidationError({"measures": [f"第{i}项：未知的科室代码。"]})
            measures.append({**m, "department": dept})
        services.interview_plan(interview=interview, actor=request.user, measures=measures)
        return self._done(interview)

    @extend_schema(**_step(s.ReportSerializer, "提交书面整改报告（第五十条）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def report(self, request: Request, pk: str) -> Response:
        d = self._input(s.ReportSerializer, request)
        return self._done(services.interview_report(interview=self.get_object(), actor=request.user, text=d["text"],
                                                    submitted_on=d["submitted_on"]))

    @extend_schema(**_step(s.VerifySerializer, "核查整改并办结（第五十条）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def verify(self, request: Request, pk: str) -> Response:
        d = self._input(s.VerifySerializer, request)
        return self._done(services.interview_verify(
            interview=self.get_object(), actor=request.user, note=d["note"], conclusion=d["conclusion"]))

    @extend_schema(**_step(s.PressSerializer, "督促改正（第五十条）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def press(self, request: Request, pk: str) -> Response:
        d = self._input(s.PressSerializer, request)
        return self._done(services.interview_press(
            interview=self.get_object(), actor=request.user, note=d["note"], new_deadline=d["new_deadline"]))

    @extend_schema(**_step(s.UpwardSerializer, "县级约谈情况报市级（第五十一条）"))
    @action(detail=True, methods=["post"], url_path="upward-report")
    @idempotent
    def upward_report(self, request: Request, pk: str) -> Response:
        d = self._input(s.UpwardSerializer, request)
        return self._done(services.interview_upward_report(
            interview=self.get_object(), actor=request.user, reported_on=d["reported_on"]))

    @extend_schema(**_step(s.CirculateSerializer, "通报并报上级备案（第四十三条）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def circulate(self, request: Request, pk: str) -> Response:
        d = self._input(s.CirculateSerializer, request)
        return self._done(services.interview_circulate(
            interview=self.get_object(), actor=request.user, circulated_on=d["circulated_on"], text=d["text"],
            filed_on=d["filed_on"]))

    @extend_schema(**_step(s.CancelSerializer, "撤销约谈（须写明原因）"))
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request: Request, pk: str) -> Response:
        d = self._input(s.CancelSerializer, request)
        return self._done(services.interview_cancel(interview=self.get_object(), actor=request.user, reason=d["reason"]))

    @extend_schema(summary="上传约谈材料（通知送达凭证、书面说明、整改方案、整改报告等）", request=s.DocumentUploadSerializer,
                   responses={201: s.DocumentSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    @idempotent
    def documents(self, request: Request, pk: str) -> Response:
        d = self._input(s.DocumentUploadSerializer, request)
        doc = services.interview_document_add(
            interview=self.get_object(), actor=request.user, kind=d["kind"], upload=d["file"], note=d["note"])
        return Response(s.DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        import json

        return json.dumps(data, ensure_ascii=False).encode()


class RegistrationFormView(APIView):
    renderer_classes = [PDFRenderer]

    @extend_schema(summary="医疗质量安全约谈登记表 PDF（第四十七条（五））",
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> HttpResponse:
        interview = get_object_or_404(interview_detail_queryset(request.user), pk=pk)
        data = render_registration_form_pdf(interview)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="registration-form-{interview.reference}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
