"""The product's URLs plus /bench/noop/: a DRF endpoint that does nothing (the yardstick of the ratio)."""
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Noop(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({})


urlpatterns = [path("bench/noop/", Noop.as_view()), path("", include("qms.urls"))]
