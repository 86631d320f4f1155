"""Every /api/v1/ path is registered here. Apps add theirs in register(router, urlpatterns) of <app>/api/urls.py."""
from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from organizations.api.views import DepartmentViewSet, InstitutionViewSet
from qms.workdays.api import AddWorkdaysView, CalendarYearView

router = DefaultRouter()
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("departments", DepartmentViewSet, basename="department")

extra_urls = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("calendar/add-workdays/", AddWorkdaysView.as_view(), name="api-add-workdays"),
    path("calendar/years/<int:year>/", CalendarYearView.as_view(), name="api-calendar-year"),
]

# Each app's api/urls.py defines register(router) -> list of extra paths.
for app in ("adverse_events", "interviews", "committees", "indicators", "qms.notifications", "bulletins",
            "qms.fhir"):
    try:
        module = __import__(f"{app}.api.urls", fromlist=["register"])
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == app or exc.name.startswith(f"{app}.api")):
            continue
        raise
    extra_urls += module.register(router)

urlpatterns = extra_urls + router.urls
