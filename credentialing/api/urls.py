from django.urls import path

from credentialing.api.views import (
    EmergencyUseView,
    PrivilegeCheckView,
    PrivilegeItemViewSet,
    PrivilegeViewSet,
    ProcedureView,
)


def register(router) -> list:
    router.register("privilege-items", PrivilegeItemViewSet, basename="privilege-item")
    router.register("privileges", PrivilegeViewSet, basename="privilege")
    # Before the router's privileges/{pk}/: these are fixed paths of API.md.
    return [
        path("privileges/check/", PrivilegeCheckView.as_view(), name="privilege-check"),
        path("privileges/emergency-uses/", EmergencyUseView.as_view(), name="privilege-emergency-uses"),
        path("privileges/procedures/", ProcedureView.as_view(), name="privilege-procedures"),
    ]
