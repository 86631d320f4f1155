"""A read-only choice that may be blank says so in the schema (schemathesis found `""` where the schema
promised one of four review outcomes)."""
from __future__ import annotations

from django.apps import apps
from drf_spectacular.generators import SchemaGenerator


def _blank_choice_titles() -> set[str]:
    return {
        str(f.verbose_name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if getattr(f, "choices", None) and getattr(f, "blank", False) and not getattr(f, "null", False)
    }


def test_every_read_only_blank_choice_admits_the_blank():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    titles = _blank_choice_titles()
    missing = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in (component.get("properties") or {}).items()
        if spec.get("readOnly") and spec.get("title") in titles and "allOf" in spec
    ]
    assert missing == []
    outcome = schema["components"]["schemas"]["Review"]["properties"]["outcome"]
    assert "BlankEnum" in str(outcome)


def test_what_can_be_null_is_nullable_in_the_schema():
    """Issue 13: a hospital's internal interview has no organiser; a first bulletin supersedes none."""
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert components["Interview"]["properties"]["organiser"].get("nullable") is True
    assert components["InterviewDetail"]["properties"]["organiser"].get("nullable") is True
    assert components["Bulletin"]["properties"]["supersedes"].get("nullable") is True
