from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from qms import workdays
from qms.api import DateField


class AddWorkdaysQuery(serializers.Serializer):
    start = DateField()
    days = serializers.IntegerField(min_value=0, max_value=3660)


class AddWorkdaysView(APIView):
    @extend_schema(
        summary="第 N 个工作日",
        description="`date` is the N-th working day after `start` (counting from the day after); "
        "`confirmed` is false where any day counted lies in a year with no published or entered schedule.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("days", OpenApiTypes.INT, required=True),
        ],
        responses=inline_serializer(
            "AddWorkdaysResult",
            {
                "start": DateField(),
                "days": serializers.IntegerField(),
                "date": DateField(),
                "confirmed": serializers.BooleanField(),
            },
        ),
        examples=[
            OpenApiExample(
                "National Day 2025",
                value={"start": "2025-09-30", "days": 1, "date": "2025-10-09", "confirmed": True},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        query = AddWorkdaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        result = workdays.add_workdays(start, days)
        return Response({"start": start, "days": days, "date": result.date, "confirmed": result.confirmed})


class CalendarYearBody(serializers.Serializer):
    holidays = serializers.ListField(child=DateField(), max_length=366)
    workdays = serializers.ListField(child=DateField(), max_length=366)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # DRF's metaclass moves declared fields off the class; stubs see Field.source


class CalendarYearAnswer(serializers.Serializer):
    year = serializers.IntegerField()
    confirmed = serializers.BooleanField()
    source = serializers.CharField()  # type: ignore[assignment]  # DRF's metaclass moves declared fields off the class; stubs see Field.source
    holidays = serializers.ListField(child=DateField())
    workdays = serializers.ListField(child=DateField())
    moved = serializers.IntegerField(help_text="how many open deadlines moved")


class CalendarYearView(APIView):
    """The year's whole schedule at once (API.md); staff only. Everything the change moves is recomputed."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="录入全年节假日安排",
        description="`holidays`: the weekdays off; `workdays`: the weekend days worked (调休上班) of that year. "
        "Replaces the year's schedule; every open deadline and every stored legal date it moves is recomputed "
        "in the same transaction and logged. Staff only.",
        request=CalendarYearBody,
        responses={200: CalendarYearAnswer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def put(self, request, year: int):
        from qms.workdays import services, year_confirmed

        body = CalendarYearBody(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            row, moved = services.calendar_year_set(
                year=year, holidays=d["holidays"], workdays=d["workdays"], source=d["source"], actor=request.user
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return Response({
            "year": year, "confirmed": year_confirmed(year), "source": row.source,
            "holidays": sorted(set(d["holidays"])), "workdays": sorted(set(d["workdays"])),
            "moved": len(moved),
        })
