"""The product's URLs plus two bare DRF GETs: /bench/noop/ (no auth) and /bench/noop-auth/ (the product's token
authentication and IsAuthenticated, nothing else): the yardsticks of the privilege-check benchmark."""
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.urls_bench import Noop


class NoopAuth(APIView):
    def get(self, request: Request) -> Response:
        return Response({})


urlpatterns = [path("bench/noop/", Noop.as_view()), path("bench/noop-auth/", NoopAuth.as_view()),
               path("", include("qms.urls"))]
