from django.urls import path

from adverse_events.api.fhir import AdverseEventFhirView
from adverse_events.api.views import ActionViewSet, AdverseEventViewSet, EventTypeViewSet


def register(router) -> list:
    router.register("event-types", EventTypeViewSet, basename="event-type")
    router.register("adverse-events", AdverseEventViewSet, basename="adverse-event")
    router.register("adverse-event-actions", ActionViewSet, basename="adverse-event-action")
    return [path("fhir/AdverseEvent", AdverseEventFhirView.as_view(), name="fhir-adverse-event")]
