"""POST /api/v1/fhir/AdverseEvent: a HIS pushes an HL7 FHIR R4 AdverseEvent; it becomes an adverse-event
report of the caller's hospital through adverse_events.services.adverse_event_report."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adverse_events import services as event_services
from adverse_events.fhir import (
    EXT_DEPARTMENT,
    EXT_HARM_LEVEL,
    EXT_RECEIPT_CODE,
    EXT_SEVERITY_CLASS,
    EXT_STATUS,
    Issue,
    map_resource,
    operation_outcome,
)
from adverse_events.models import EventType
from qms.core.idempotency import HEADER, idempotent
from qms.parsers import JSONParser

FHIR_JSON = "application/fhir+json"


class FhirJSONParser(JSONParser):
    media_type = FHIR_JSON


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


def _validate(data: Any) -> tuple[Any, list[Issue]]:
    from fhir.resources.R4B.adverseevent import AdverseEvent as FhirAdverseEvent  # R4B = R4 for AdverseEvent

    if not isinstance(data, dict):
        return None, [Issue("AdverseEvent", "请求体须为一个 FHIR 资源（JSON 对象）。", "structure")]
    if data.get("resourceType") != "AdverseEvent":
        return None, [Issue("resourceType", "resourceType 须为 AdverseEvent。", "not-supported")]
    try:
        return FhirAdverseEvent.model_validate(data), []
    except Exception as exc:  # pydantic.ValidationError and the model's own checks (bad dates, choice types)
        errors = getattr(exc, "errors", None)
        if callable(errors):
            try:
                return None, [
                    Issue("AdverseEvent." + ".".join(str(p) for p in e.get("loc", ()) if p != "__root__"),
                          str(e.get("msg", "")), "structure")
                    for e in errors()[:20]
                ]
            except Exception:  # noqa: BLE001 - errors() itself may fail on exotic input
                pass
        return None, [Issue("AdverseEvent", f"不是有效的 FHIR R4 AdverseEvent：{exc}"[:500], "structure")]


EXAMPLE = {
    "resourceType": "AdverseEvent",
    "actuality": "actual",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adverse-event-category",
                              "code": "wrong-dose"}]}],
    "event": {"text": "静脉泵入肝素剂量设置错误（10倍），发现后立即停泵。"},
    "subject": {"reference": "#p1"},
    "contained": [{"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1956-03-02",
                   "identifier": [{"value": "ZY20250301"}]}],
    "date": "2025-03-01T08:30:00+08:00",
    "detected": "2025-03-01T09:10:00+08:00",
    "location": {"identifier": {"value": "CARD"}, "display": "心血管内科"},
    "seriousness": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
                                "code": "SOI"}]},
    "outcome": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                            "code": "recovering"}]},
}


class AdverseEventFhirView(APIView):
    parser_classes = [JSONParser, FhirJSONParser]
    renderer_classes = [JSONRenderer, FhirJSONRenderer]

    @extend_schema(
        summary="以 HL7 FHIR R4 AdverseEvent 上报不良事件（HIS）",
        description=(
            "A FHIR R4 AdverseEvent, validated, mapped onto a report of the caller's hospital. Harm level from "
            "seriousness / outcome / severity (README: FHIR AdverseEvent mapping) or the extension "
            f"`{EXT_HARM_LEVEL}`; department code from `location.identifier.value` or the extension "
            f"`{EXT_DEPARTMENT}`. Unmappable content is 400 with an OperationOutcome."
        ),
        request={"application/json": OpenApiTypes.OBJECT, FHIR_JSON: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=False)],
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome"),
                   409: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("住院延长（F 级）", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        try:
            request.data  # noqa: B018 - parse now, so malformed JSON is an OperationOutcome too
        except (ParseError, UnsupportedMediaType) as exc:
            return self._refuse([Issue("AdverseEvent", f"无法解析请求体：{exc}"[:300], "structure")])
        return self._create(request)

    def _refuse(self, issues: list[Issue]) -> Response:
        return Response(operation_outcome(issues), status=status.HTTP_400_BAD_REQUEST)

    @idempotent
    def _create(self, request: Request) -> Response:
        resource, issues = _validate(request.data)
        if issues:
            return self._refuse(issues)
        mapped = map_resource(resource)
        issues = list(mapped.issues)
        department = None
        if mapped.department_code:
            try:
                department = event_services.report_department(request.user, mapped.department_code)
            except DjangoValidationError as exc:
                issues.extend(Issue("AdverseEvent.location.identifier", str(m), "code-invalid") for m in exc.messages)
        event_type = EventType.objects.filter(code=mapped.event_type_code, is_active=True).first()
        if event_type is None:
            issues.append(Issue("AdverseEvent.category", f"无法对应到事件类型：{mapped.event_type_code}。",
                                "code-invalid"))
        if issues:
            return self._refuse(issues)
        # map_resource and the lookups above reported whatever of these is missing.
        assert department is not None and event_type is not None
        assert mapped.occurred_at is not None and mapped.discovered_at is not None
        try:
            event = event_services.adverse_event_report(
                reporter=request.user, department=department, occurred_at=mapped.occurred_at,
                discovered_at=mapped.discovered_at, event_type=event_type, severity_level=mapped.severity_level,
                description=mapped.description, immediate_actions=mapped.immediate_actions,
                patient_age=mapped.patient_age, patient_sex=mapped.patient_sex,
                patient_record_no=mapped.patient_record_no, place=department.name,
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"AdverseEvent": exc.messages}
            return self._refuse([Issue(f"AdverseEvent ({field})", "；".join(msgs))
                                 for field, msgs in detail.items()])
        body = dict(request.data)
        body["id"] = str(event.pk)
        body["identifier"] = {"system": "urn:qms:adverse-event", "value": event.number}
        body["meta"] = {"lastUpdated": timezone.localtime(event.updated_at).isoformat()}
        ours = {EXT_HARM_LEVEL: event.severity_level, EXT_SEVERITY_CLASS: event.severity_class,
                EXT_RECEIPT_CODE: event.receipt_code, EXT_STATUS: event.status}
        body["extension"] = [e for e in body.get("extension") or [] if e.get("url") not in ours] + [
            {"url": url, "valueCode": value} for url, value in ours.items()]
        location = reverse("adverse-event-detail", args=[event.pk])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})
