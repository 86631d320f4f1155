"""Swagger UI runs from the app under the CSP: no inline script, nothing from another origin."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_swagger_ui_has_no_inline_script_and_no_external_asset(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url  # same origin: sidecar static files and the init script
    init = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html)
    assert init is not None
    script = client.get(init.group(1).replace("&amp;", "&"))
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    body = script.content.decode()
    assert "/api/schema/" in body and "validatorUrl" in body and "swagger.io" not in body


def test_the_schema_is_served_and_names_the_fhir_path(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/fhir/AdverseEvent" in paths and "/api/v1/adverse-events/" in paths
