"""HL7 FHIR R4 AdverseEvent → an adverse-event report (SPEC §4), through adverse_events.services.

The mapping of seriousness / outcome / severity onto the NCC MERP harm levels A–I is documented in
README.md ("FHIR AdverseEvent mapping"); the table here is that table. Anything that cannot be placed on
it is refused, never guessed: a wrong level would change the class, the reporting time limit and whether
a 约谈 is triggered (Art. 45 (三)).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

EXT_BASE = "https://qms.local/fhir/StructureDefinition/"
EXT_DEPARTMENT = EXT_BASE + "department"
EXT_HARM_LEVEL = EXT_BASE + "harm-level"
EXT_EVENT_TYPE = EXT_BASE + "event-type"
EXT_IMMEDIATE_ACTIONS = EXT_BASE + "immediate-actions"
# In the answer: what the report became.
EXT_SEVERITY_CLASS = EXT_BASE + "severity-class"
EXT_RECEIPT_CODE = EXT_BASE + "receipt-code"
EXT_STATUS = EXT_BASE + "status"

SERIOUSNESS_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
OUTCOME_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-category"

# R4 (4.0.1) codes and the later terminology's lower-case ones, compared case-insensitively.
SERIOUSNESS_LEVEL = {
    "sod": "I",  # results in death
    "solt": "H",  # is life-threatening: intervention needed to sustain life
    "sopdi": "G",  # persistent or significant disability / incapacity: permanent harm
    "soca": "G",  # congenital anomaly / birth defect: permanent harm
    "soi": "F",  # requires or prolongs inpatient hospitalisation
    "somee": "E",  # other medically important serious event
    "serious": "E",
}
NON_SERIOUS = "non-serious"
NON_SERIOUS_BY_SEVERITY = {"mild": "D", "moderate": "E", "severe": "E", None: "C"}
OUTCOME_LEVEL = {"fatal": "I", "resolvedwithsequelae": "G"}
KNOWN_OUTCOMES = {"resolved", "recovering", "ongoing", "resolvedwithsequelae", "fatal", "unknown"}
LEVEL_ORDER = "ABCDEFGHI"

CATEGORY_EVENT_TYPE = {
    "product-problem": "DEVICE", "product-quality": "DEVICE", "medical-device-use-error": "DEVICE",
    "problem-different-manufacturer": "DEVICE",
    "product-use-error": "MED", "wrong-dose": "MED", "incorrect-prescribing-information": "MED",
    "wrong-technique": "MED", "wrong-route-of-administration": "MED", "wrong-rate": "MED",
    "wrong-duration": "MED", "wrong-time": "MED", "expired-drug": "MED",
    "unsafe-physical-environment": "OTHER",
}
GENDER_SEX = {"male": "M", "female": "F", "other": "U", "unknown": "U"}


@dataclass
class Issue:
    expression: str
    diagnostics: str
    code: str = "value"


@dataclass
class Mapped:
    department_code: str = ""
    occurred_at: dt.datetime | None = None
    discovered_at: dt.datetime | None = None
    event_type_code: str = ""
    severity_level: str = ""
    description: str = ""
    immediate_actions: str = ""
    patient_age: int | None = None
    patient_sex: str = ""
    patient_record_no: str = ""
    issues: list[Issue] = field(default_factory=list)


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": i.code, "diagnostics": i.diagnostics, "expression": [i.expression]}
            for i in issues
        ],
    }


def _codes(concept: Any) -> list[tuple[str, str]]:
    """(system, code lower-case) of a CodeableConcept's codings."""
    if concept is None:
        return []
    return [((c.system or ""), (c.code or "").lower()) for c in (concept.coding or []) if c.code]


def _ext(resource: Any, url: str) -> Any:
    for ext in resource.extension or []:
        if ext.url == url:
            return ext
    return None


def _ext_code(resource: Any, url: str) -> str:
    ext = _ext(resource, url)
    if ext is None:
        return ""
    for attr in ("valueCode", "valueString", "valueId"):
        value = getattr(ext, attr, None)
        if value:
            return str(value).strip()
    concept = getattr(ext, "valueCodeableConcept", None)
    if concept is not None and concept.coding:
        return (concept.coding[0].code or "").strip()
    identifier = getattr(ext, "valueIdentifier", None)
    if identifier is not None and identifier.value:
        return identifier.value.strip()
    return ""


def harm_level(resource: Any) -> tuple[str, list[Issue]]:
    """The harm level A–I of README's table, or the issues that make the resource unmappable."""
    explicit = _ext_code(resource, EXT_HARM_LEVEL).upper()
    if explicit:
        if explicit in LEVEL_ORDER and len(explicit) == 1:
            return explicit, []
        return "", [Issue(f"AdverseEvent.extension('{EXT_HARM_LEVEL}')",
                          f"伤害级别“{explicit}”不存在，应为 A–I。")]
    if resource.actuality not in ("actual", "potential"):  # a required binding fhir.resources does not check
        return "", [Issue("AdverseEvent.actuality", "actuality 须为 actual 或 potential。", "code-invalid")]
    if resource.actuality == "potential":
        return "B", []  # an error that did not reach the patient (临界错误)

    seriousness = [code for _system, code in _codes(resource.seriousness)]
    outcomes = [code for _system, code in _codes(resource.outcome)]
    severities = [code for _system, code in _codes(resource.severity)]
    issues: list[Issue] = []
    unknown = [c for c in seriousness if c not in SERIOUSNESS_LEVEL and c != NON_SERIOUS]
    if unknown:
        issues.append(Issue("AdverseEvent.seriousness", f"无法识别的严重程度代码：{', '.join(unknown)}。",
                            "code-invalid"))
    bad_outcomes = [c for c in outcomes if c not in KNOWN_OUTCOMES]
    if bad_outcomes:
        issues.append(Issue("AdverseEvent.outcome", f"无法识别的结局代码：{', '.join(bad_outcomes)}。",
                            "code-invalid"))
    bad_severity = [c for c in severities if c not in NON_SERIOUS_BY_SEVERITY]
    if bad_severity:
        issues.append(Issue("AdverseEvent.severity", f"无法识别的严重度代码：{', '.join(bad_severity)}。",
                            "code-invalid"))
    if issues:
        return "", issues

    candidates = [SERIOUSNESS_LEVEL[c] for c in seriousness if c in SERIOUSNESS_LEVEL]
    candidates += [OUTCOME_LEVEL[c] for c in outcomes if c in OUTCOME_LEVEL]
    if NON_SERIOUS in seriousness and not candidates:
        candidates.append(NON_SERIOUS_BY_SEVERITY[severities[0] if severities else None])
    if not candidates:
        return "", [Issue("AdverseEvent.seriousness",
                          "无法确定伤害级别：请提供 seriousness（严重程度）或致死/遗留后遗症的 outcome，"
                          f"或以扩展 {EXT_HARM_LEVEL} 直接给出 A–I 级。", "required")]
    # The gravest reading wins: under-classing a death or a permanent harm is the error that matters.
    return max(candidates, key=LEVEL_ORDER.index), []


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(0)))
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _contained_patient(resource: Any) -> Any:
    ref = (resource.subject.reference or "") if resource.subject else ""
    if not ref.startswith("#"):
        return None
    for item in resource.contained or []:
        if getattr(item, "id", None) == ref[1:] and type(item).__name__ == "Patient":
            return item
    return None


def map_resource(resource: Any) -> Mapped:
    """Read what the report needs from a validated fhir.resources AdverseEvent."""
    m = Mapped()
    m.severity_level, issues = harm_level(resource)
    m.issues.extend(issues)

    m.department_code = _ext_code(resource, EXT_DEPARTMENT)
    if not m.department_code and resource.location is not None:
        identifier = resource.location.identifier
        if identifier is not None and identifier.value:
            m.department_code = identifier.value.strip()
    if not m.department_code:
        m.issues.append(Issue("AdverseEvent.location.identifier",
                              f"请以 location.identifier.value 或扩展 {EXT_DEPARTMENT} 给出科室代码。", "required"))

    m.occurred_at = _aware(resource.date)
    if m.occurred_at is None:
        m.issues.append(Issue("AdverseEvent.date", "请给出事件发生时间 date。", "required"))
    m.discovered_at = _aware(resource.detected) or m.occurred_at

    m.event_type_code = _ext_code(resource, EXT_EVENT_TYPE).upper()
    if not m.event_type_code:
        for concept in resource.category or []:
            for _system, code in _codes(concept):
                if code in CATEGORY_EVENT_TYPE:
                    m.event_type_code = CATEGORY_EVENT_TYPE[code]
                    break
                m.event_type_code = code.upper()
            if m.event_type_code:
                break
    if not m.event_type_code:
        m.event_type_code = "OTHER"

    event = resource.event
    text = (event.text or "").strip() if event is not None else ""
    if not text and event is not None and event.coding:
        text = "；".join(c.display for c in event.coding if c.display)
    if not text and resource.text is not None:
        text = "已收到 FHIR 叙述文本（未解析 XHTML）。"
    m.description = text
    if not m.description:
        m.issues.append(Issue("AdverseEvent.event.text", "请以 event.text 描述事件经过。", "required"))
    m.immediate_actions = _ext_code(resource, EXT_IMMEDIATE_ACTIONS)

    patient = _contained_patient(resource)
    if patient is not None:
        m.patient_sex = GENDER_SEX.get(patient.gender or "", "")
        if patient.birthDate is not None and m.occurred_at is not None:
            born = patient.birthDate
            on = timezone.localtime(m.occurred_at).date()
            m.patient_age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        for identifier in patient.identifier or []:
            if identifier.value:
                m.patient_record_no = identifier.value[:40]
                break
    return m
