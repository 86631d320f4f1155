from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "qms.fhir"
    label = "fhir"
    verbose_name = "HL7 FHIR"
