"""Every /api/v1/ path is registered here. Apps add theirs in register(router, urlpatterns) of <app>/api/urls.py."""
from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.routers import DefaultRouter

import adverse_events.api.urls
import bulletins.api.urls
import case_reviews.api.urls
import committees.api.urls
import credentialing.api.urls
import indicators.api.urls
import inspections.api.urls
import interviews.api.urls
import qc_centres.api.urls
import rectifications.api.urls
import safety_info.api.urls
import staff.api.urls
from organizations.api.views import DepartmentViewSet, InstitutionViewSet
from qms.parsers import JSONParser
from qms.workdays.api import AddWorkdaysView, CalendarYearView


class Router(DefaultRouter):
    """A record looked up by its id takes only digits in the path (at most 18, within a bigint): `/abc/classify/`
    or an id past 2**63 is a 404 like any unknown id, never a ValueError or a database overflow (issue 13)."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_field", "pk") in ("pk", "id") and not hasattr(viewset, "lookup_value_regex"):
            return self._base_pattern.format(
                lookup_prefix=lookup_prefix,
                lookup_url_kwarg=getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk"),
                lookup_value="[0-9]{1,18}",
            )
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("departments", DepartmentViewSet, basename="department")

extra_urls = [
    path("auth/token/", ObtainAuthToken.as_view(parser_classes=[JSONParser, FormParser, MultiPartParser]),
         name="api-token"),
    path("calendar/add-workdays/", AddWorkdaysView.as_view(), name="api-add-workdays"),
    path("calendar/years/<int:year>/", CalendarYearView.as_view(), name="api-calendar-year"),
]

# Each app's api/urls.py defines register(router) -> list of extra paths.
for module in (
    adverse_events.api.urls, interviews.api.urls, committees.api.urls, indicators.api.urls,
    bulletins.api.urls, staff.api.urls, rectifications.api.urls,
    credentialing.api.urls, inspections.api.urls, case_reviews.api.urls, safety_info.api.urls, qc_centres.api.urls,
):
    extra_urls += module.register(router)

urlpatterns = extra_urls + router.urls
