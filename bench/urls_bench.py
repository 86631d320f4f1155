"""The product's URLs plus the yardsticks of the load benchmark: /bench/noop/, a DRF GET that does nothing, and
/bench/reports/, a minimal DRF ModelViewSet create of a ten-field row with no authentication (issue 16).
Loaded only under bench/settings_bench.py, which installs the bench app."""
from django.urls import include, path
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.models import BenchReport


class Noop(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({})


class BenchReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenchReport
        fields = ["id", "department", "occurred_at", "discovered_at", "event_type", "severity_level", "description",
                  "immediate_actions", "patient_age", "patient_sex", "created_at"]


class BenchReportViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = BenchReportSerializer
    queryset = BenchReport._default_manager.all()


urlpatterns = [path("bench/noop/", Noop.as_view()), path("bench/reports/", BenchReportViewSet.as_view({"post": "create"})),
               path("", include("qms.urls"))]
