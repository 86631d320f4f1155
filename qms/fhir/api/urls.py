from django.urls import path

from qms.fhir.api.views import AdverseEventFhirView


def register(router) -> list:
    return [path("fhir/AdverseEvent", AdverseEventFhirView.as_view(), name="fhir-adverse-event")]
