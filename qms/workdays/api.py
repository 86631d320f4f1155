from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from qms import workdays


class AddWorkdaysQuery(serializers.Serializer):
    start = serializers.DateField()
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
                "start": serializers.DateField(),
                "days": serializers.IntegerField(),
                "date": serializers.DateField(),
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
    def get(self, request):  # noqa: ANN001, ANN201
        query = AddWorkdaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        result = workdays.add_workdays(start, days)
        return Response({"start": start, "days": days, "date": result.date, "confirmed": result.confirmed})
