from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from qms.core.idempotency import idempotent
from qms.filters import UpdatedSinceFilterSet
from rectifications import services
from rectifications.api.serializers import RectificationSerializer, StepSerializer
from rectifications.models import Rectification
from rectifications.selectors import visible_rectifications
from rectifications.workflow import Status


class RectificationFilter(UpdatedSinceFilterSet):
    source = django_filters.CharFilter(method="filter_source", label="source (kind or kind:id)")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    institution = django_filters.CharFilter(field_name="institution__code")
    department = django_filters.CharFilter(field_name="department__code")

    class Meta:
        model = Rectification
        fields = ["source", "status", "institution", "department", "updated_since"]

    def filter_source(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        kind, _sep, ident = value.partition(":")
        qs = qs.filter(source_kind=kind)
        if ident:
            qs = qs.filter(source_id=int(ident)) if ident.isdigit() else qs.none()
        return qs


class RectificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RectificationSerializer
    filterset_class = RectificationFilter

    def get_queryset(self) -> QuerySet[Rectification]:
        return visible_rectifications(self.request.user).order_by("due_on", "id")

    def _step(self, request: Request, fn: Any, **extra: Any) -> Response:
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kwargs = {"text": body.validated_data["text"], **extra}
        if fn is services.rectification_reopen:
            kwargs["due_on"] = body.validated_data["due_on"]
        r = fn(rectification=self.get_object(), actor=request.user, **kwargs)
        return Response(RectificationSerializer(r).data)

    @extend_schema(summary="报告整改情况", request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def report(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.rectification_report)

    @extend_schema(summary="确认整改有效（提出整改的一方）", request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.rectification_verify)

    @extend_schema(summary="整改无效，重新整改（须说明原因）", request=StepSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.rectification_reopen)

    @extend_schema(summary="撤销整改要求（问题系误判，提出整改的一方，须说明原因；记录保留）", request=StepSerializer,
                   responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        r = services.rectification_cancel(rectification=self.get_object(), actor=request.user,
                                          reason=body.validated_data["text"])
        return Response(RectificationSerializer(r).data)
