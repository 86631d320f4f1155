from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from adverse_events import selectors, services
from adverse_events.api import serializers as s
from adverse_events.models import AdverseEvent, EventType, ImprovementAction
from adverse_events.workflow import Status
from organizations.models import Department
from qms.core.idempotency import HEADER, idempotent
from qms.filters import UpdatedSinceFilterSet
from qms.parsers import JSONParser


class EventFilter(UpdatedSinceFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    severity_class = django_filters.ChoiceFilter(choices=[(c, c) for c in ("I", "II", "III", "IV")])
    department = django_filters.CharFilter(field_name="department__code")
    institution = django_filters.CharFilter(field_name="institution__code")

    class Meta:
        model = AdverseEvent
        fields = ["status", "severity_class", "department", "institution", "updated_since"]


@extend_schema_view(list=extend_schema(summary="不良事件类型"))
class EventTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.EventTypeSerializer
    pagination_class = None
    queryset = EventType.objects.filter(is_active=True)


def _err(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


@extend_schema_view(
    list=extend_schema(summary="可见的不良事件"),
    retrieve=extend_schema(summary="不良事件"),
)
class AdverseEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = EventFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        through = AdverseEvent.interviews.through
        return (
            selectors.visible_events(self.request.user)
            .select_related("reporter")
            .annotate(has_interview=Exists(through.objects.filter(adverseevent_id=OuterRef("pk"))))
            .order_by("-reported_at", "-id")
        )

    def get_serializer_class(self):
        return s.AdverseEventSerializer

    # ------------------------------------------------------------------ create
    @extend_schema(summary="上报不良事件", request=s.AdverseEventCreateSerializer,
                   responses={201: s.AdverseEventCreatedSerializer},
                   parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=False)])
    @idempotent
    def create(self, request: Request) -> Response:
        # One path for named and anonymous reports: the flag is parsed once, by the serializer's BooleanField,
        # and the idempotency record holds no caller (qms/core/idempotency.py), so no spelling of "anonymous"
        # can lead to a row that ties the report to its reporter.
        ser = s.AdverseEventCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        department = services.report_department(request.user, d["department"], institution_code=d.get("institution") or "")
        event_type = EventType.objects.filter(code=d["event_type"]).first()
        if event_type is None:
            raise _err("event_type", _("事件类型“%(code)s”不存在。") % {"code": d["event_type"]})
        event = services.adverse_event_report(
            reporter=request.user, department=department, occurred_at=d["occurred_at"],
            discovered_at=d["discovered_at"], event_type=event_type, severity_level=d["severity_level"],
            description=d["description"], immediate_actions=d["immediate_actions"], place=d["place"],
            patient_age=d["patient_age"], patient_sex=d["patient_sex"], patient_record_no=d["patient_record_no"],
            anonymous=d["anonymous"],
        )
        return Response(s.AdverseEventCreatedSerializer(event).data, status=status.HTTP_201_CREATED)

    # ------------------------------------------------------------------ workflow steps
    def _event(self, pk: str) -> AdverseEvent:
        return get_object_or_404(selectors.visible_events(self.request.user), pk=pk)

    def _answer(self, event: AdverseEvent, code: int = 200) -> Response:
        event = self.get_queryset().get(pk=event.pk)
        return Response(s.AdverseEventSerializer(event, context={"request": self.request}).data, status=code)

    @extend_schema(summary="受理", request=s.EventNoteSerializer, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def receive(self, request: Request, pk: str) -> Response:
        ser = s.EventNoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._answer(services.adverse_event_receive(event=self._event(pk), actor=request.user,
                                                           note=ser.validated_data["text"]))

    @extend_schema(summary="分类定级 / 重新分类", request=s.EventClassifySerializer, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def classify(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventClassifySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        event_type = None
        if d.get("event_type"):
            event_type = EventType.objects.filter(code=d["event_type"]).first()
            if event_type is None:
                raise _err("event_type", _("事件类型“%(code)s”不存在。") % {"code": d["event_type"]})
        return self._answer(services.adverse_event_classify(
            event=event, actor=request.user, severity_level=d["severity_level"], event_type=event_type,
            safety_grade=d["safety_grade"], reason=d["reason"]))

    @extend_schema(summary="原因分析", request=s.EventAnalyseSerializer, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def analyse(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventAnalyseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.adverse_event_analyse(event=event, actor=request.user, **ser.validated_data)
        return self._answer(event)

    @extend_schema(summary="反馈", request=s.EventFeedbackSerializer, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def feedback(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventFeedbackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._answer(services.adverse_event_give_feedback(event=event, actor=request.user,
                                                                 feedback=ser.validated_data["feedback"]))

    @extend_schema(summary="进入持续改进", request=None, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"], url_path="start-improvement")
    @idempotent
    def start_improvement(self, request: Request, pk: str) -> Response:
        return self._answer(services.adverse_event_start_improvement(event=self._event(pk), actor=request.user))

    @extend_schema(summary="结案", request=s.EventNoteSerializer, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def close(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventNoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._answer(services.adverse_event_close(event=event, actor=request.user,
                                                         summary=ser.validated_data["text"]))

    @extend_schema(summary="撤回（误报）", request=s.EventReasonSerializer, responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._answer(services.adverse_event_withdraw(event=event, actor=request.user,
                                                            reason=ser.validated_data["reason"]))

    @extend_schema(summary="记录向卫生健康行政部门的报告", request=s.EventAuthorityReportSerializer,
                   responses=s.AdverseEventSerializer)
    @action(detail=True, methods=["post"], url_path="authority-report")
    @idempotent
    def authority_report(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventAuthorityReportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._answer(services.adverse_event_report_to_authority(event=event, actor=request.user,
                                                                      **ser.validated_data))

    @extend_schema(summary="制定改进措施", request=s.EventActionCreateSerializer, responses={201: s.EventActionSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def actions(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        ser = s.EventActionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        department = Department.objects.filter(institution=event.institution, code=d["owner_department"]).first()
        if department is None:
            raise _err("owner_department", _("责任科室须为本院科室。"))
        owner = get_user_model().objects.filter(username=d["owner"], memberships__institution=event.institution,
                                                memberships__is_active=True).first()
        if owner is None:
            raise _err("owner", _("责任人须为本院人员。"))
        created = services.action_add(event=event, actor=request.user, description=d["description"],
                                      owner_department=department, owner=owner, due_on=d["due_on"])
        return Response(s.EventActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="上传附件", request={"multipart/form-data": s.EventAttachmentUploadSerializer}, responses={201: None})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: Request, pk: str) -> Response:
        event = self._event(pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise _err("file", _("请选择文件。"))
        attachment = services.adverse_event_attach(event=event, actor=request.user, upload=upload)
        return Response({"id": attachment.pk, "name": attachment.name, "size": attachment.size,
                         "content_type": attachment.content_type}, status=status.HTTP_201_CREATED)


class ActionViewSet(viewsets.GenericViewSet):
    serializer_class = s.EventActionSerializer

    def get_queryset(self):
        return ImprovementAction.objects.filter(
            event__in=selectors.visible_events(self.request.user).values("pk")
        ).select_related("event", "owner", "owner_department")

    @extend_schema(summary="更新改进措施进度", request=s.EventActionProgressSerializer, responses=s.EventActionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def progress(self, request: Request, pk: str) -> Response:
        ser = s.EventActionProgressSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        updated = services.action_update(action=self.get_object(), actor=request.user, **ser.validated_data)
        return Response(s.EventActionSerializer(updated).data)

    @extend_schema(summary="验证改进措施", request=s.EventActionVerifySerializer, responses=s.EventActionSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def verify(self, request: Request, pk: str) -> Response:
        ser = s.EventActionVerifySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        updated = services.action_verify(action=self.get_object(), actor=request.user,
                                         verification=ser.validated_data["verification"])
        return Response(s.EventActionSerializer(updated).data)
