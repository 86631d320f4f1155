"""POST /api/v1/fhir/AdverseEvent: FHIR R4 in, an adverse-event report of the HIS account's hospital out."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from adverse_events.api.fhir import EXAMPLE
from adverse_events.fhir import EXT_DEPARTMENT, EXT_HARM_LEVEL

pytestmark = pytest.mark.django_db
URL = "/api/v1/fhir/AdverseEvent"
SER = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
OUT = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"


@pytest.fixture
def his(demo, api):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="his_h001")
    return api(user)


def resource(**over) -> dict:
    body = copy.deepcopy(EXAMPLE)
    now = timezone.localtime()
    body["date"] = (now - dt.timedelta(hours=5)).isoformat()
    body["detected"] = (now - dt.timedelta(hours=4)).isoformat()
    for key, value in over.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def coded(system: str, code: str) -> dict:
    return {"coding": [{"system": system, "code": code}]}


def test_it_turns_a_fhir_adverse_event_into_a_report_of_the_his_hospital(his):
    from adverse_events.models import AdverseEvent

    response = his.post(URL, resource(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    event = AdverseEvent.objects.get(pk=int(body["id"]))
    assert event.institution.code == "H001" and event.department.code == "CARD"
    assert event.severity_level == "F" and event.severity_class == "II"  # SOI: hospitalisation
    assert event.event_type.code == "MED"  # category wrong-dose
    assert event.patient_sex == "F" and event.patient_age == timezone.localdate().year - 1956 - (
        (timezone.localdate().month, timezone.localdate().day) < (3, 2))
    assert event.patient_record_no == "ZY20250301"
    assert "肝素" in event.description
    assert event.reporter.username == "his_h001" and event.status == "submitted"
    assert response["Location"] == f"/api/v1/adverse-events/{event.pk}/"
    assert {"url": EXT_HARM_LEVEL, "valueCode": "F"} in body["extension"]


@pytest.mark.parametrize("seriousness, outcome, severity, level", [
    ("SOD", None, None, "I"),
    ("serious", "fatal", None, "I"),
    (None, "fatal", None, "I"),
    ("SOLT", "recovering", None, "H"),
    ("SOPDI", None, None, "G"),
    ("SOCA", None, None, "G"),
    ("serious", "resolvedWithSequelae", None, "G"),
    ("SOI", "resolved", None, "F"),
    ("serious", "resolved", None, "E"),
    ("Non-serious", "resolved", "severe", "E"),
    ("non-serious", "resolved", "moderate", "E"),
    ("Non-serious", "resolved", "mild", "D"),
    ("Non-serious", None, None, "C"),
])
def test_it_maps_seriousness_and_outcome_onto_harm_levels(his, seriousness, outcome, severity, level):
    from adverse_events.models import AdverseEvent

    body = resource(seriousness=coded(SER, seriousness) if seriousness else None,
                    outcome=coded(OUT, outcome) if outcome else None,
                    severity=coded("http://terminology.hl7.org/CodeSystem/adverse-event-severity", severity)
                    if severity else None)
    response = his.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert AdverseEvent.objects.get(pk=int(response.json()["id"])).severity_level == level


def test_a_potential_event_is_level_b_and_an_explicit_level_wins(his):
    from adverse_events.models import AdverseEvent

    potential = his.post(URL, resource(actuality="potential"), format="json").json()
    assert AdverseEvent.objects.get(pk=int(potential["id"])).severity_level == "B"
    explicit = his.post(URL, resource(extension=[{"url": EXT_HARM_LEVEL, "valueCode": "G"}]), format="json")
    event = AdverseEvent.objects.get(pk=int(explicit.json()["id"]))
    assert event.severity_level == "G" and event.interviews.exists()  # Art. 45 (三): G triggers a 约谈


def test_it_takes_the_department_from_the_extension(his):
    from adverse_events.models import AdverseEvent

    body = resource(location=None, extension=[{"url": EXT_DEPARTMENT, "valueCode": "CARD"}])
    response = his.post(URL, body, format="json")
    assert response.status_code == 201
    assert AdverseEvent.objects.get(pk=int(response.json()["id"])).department.code == "CARD"


def _outcome(response) -> list[dict]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and body["issue"]
    assert all(i["severity"] == "error" and i["diagnostics"] for i in body["issue"])
    return body["issue"]


@pytest.mark.parametrize("body, where", [
    (resource(seriousness=None, outcome=coded(OUT, "recovering")), "seriousness"),
    (resource(seriousness=coded(SER, "dreadful")), "seriousness"),
    (resource(outcome=coded(OUT, "fine")), "outcome"),
    (resource(location=None), "location"),
    (resource(location={"identifier": {"value": "NOPE"}}), "location"),
    (resource(date=None), "date"),
    (resource(event=None), "event"),
    (resource(actuality="maybe"), "actuality"),
    (resource(subject=None), "subject"),
    (resource(date="not a date"), "date"),
    (resource(category=[coded("urn:x", "spaceship")]), "category"),
    (resource(extension=[{"url": EXT_HARM_LEVEL, "valueCode": "Z"}]), "extension"),
    ({"resourceType": "Patient", "id": "x"}, "resourceType"),
    ([1, 2], "AdverseEvent"),
])
def test_it_refuses_unmappable_content_with_an_operation_outcome(his, body, where):
    from adverse_events.models import AdverseEvent

    before = AdverseEvent.objects.count()
    issues = _outcome(his.post(URL, body, format="json"))
    assert any(where in " ".join(i["expression"]) for i in issues), issues
    assert AdverseEvent.objects.count() == before


def test_malformed_json_is_an_operation_outcome(his):
    _outcome(his.generic("POST", URL, "{nope", content_type="application/fhir+json"))


def test_it_accepts_the_fhir_media_type(his):
    import json

    response = his.generic("POST", URL, json.dumps(resource()), content_type="application/fhir+json")
    assert response.status_code == 201


def test_another_hospitals_department_is_refused(demo, api, personas):
    response = api(personas["qc_office_h002"]).post(URL, resource(), format="json")
    issues = _outcome(response)
    assert "location" in issues[0]["expression"][0]


@pytest.mark.parametrize("code, words", [("NK", "不属于您所在的医疗机构"), ("NOPE", "科室代码“NOPE”不存在")])
def test_a_department_it_cannot_report_in_is_refused_in_the_words_of_the_json_api(his, code, words):
    # One resolver (adverse_events.services.report_department) for the form, the JSON API and FHIR.
    issues = _outcome(his.post(URL, resource(location={"identifier": {"value": code}}), format="json"))
    assert any("location" in i["expression"][0] and words in i["diagnostics"] for i in issues), issues


def test_it_honours_idempotency_key(his):
    from adverse_events.models import AdverseEvent

    body = resource()
    first = his.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="fhir-1")
    count = AdverseEvent.objects.count()
    again = his.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="fhir-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert AdverseEvent.objects.count() == count
    other = his.post(URL, resource(event={"text": "另一事件"}), format="json", HTTP_IDEMPOTENCY_KEY="fhir-1")
    assert other.status_code == 409 and AdverseEvent.objects.count() == count


def test_it_needs_a_token(demo, api):
    assert api().post(URL, resource(), format="json").status_code == 401
    revoked = api()
    revoked.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert revoked.post(URL, resource(), format="json").status_code == 401
    assert Token.objects.filter(user__username="his_h001").exists()
