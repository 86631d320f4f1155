"""The live OpenAPI schema, fuzzed by schemathesis through the WSGI app (no server, no network), with a
demo token: no 500, and every documented answer matches its schema. Then the tenancy leak check, driven
by the same schema: another hospital sees nothing of H001 in any list and gets 404 on every H001 object.

Bounded: SCHEMATHESIS_EXAMPLES examples per read (default 10) and SCHEMATHESIS_WRITE_EXAMPLES per write
(default 30), derandomised so CI is reproducible.
"""
from __future__ import annotations

import contextlib
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.crawl import all_rows, body_of, identity, list_paths, schema_paths, with_param
from tests.seeded import seeded  # noqa: F401

# One worker per module: the whole demo is seeded once per module (tests/seeded.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("contract_schemathesis")]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
# Writes get more: that is where the workflow services, dates and bodies of every shape are reached (issue 13).
WRITE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_WRITE_EXAMPLES", "30"))


@contextlib.contextmanager
def _keep_connection():
    """The test runs inside the module's transaction; the real WSGI handler would close the connection at
    each request's end (autocommit differs inside a transaction), which Django's own test client avoids the
    same way. Django's test client reconnects the handler after each of its requests, so this wraps only the
    schemathesis calls."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_it_gives_no_500_and_keeps_to_the_schema(seeded):  # noqa: F811
    # One test walking every operation (schemathesis' pytest fixture loader does not run on pytest 9):
    # every failing operation is reported, not just the first.
    from hypothesis import given
    from hypothesis import strategies as st
    from rest_framework.test import APIClient

    from qms.wsgi import application

    token = Token.objects.get_or_create(user=seeded.user("qc_office"))[0].key
    # Random ids only ever reach 404; mostly use ids of real objects the caller may see, so the fuzzer
    # gets past the lookup into validation and the workflow services.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    paths = schema_paths(client)
    known: dict[str, list] = {}
    for list_path in list_paths(paths):
        rows = all_rows(client, list_path)
        known[list_path] = [r.get("id", r.get("code")) for r in rows if r.get("id", r.get("code"))][:20]
    with _keep_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures: list[str] = []
    operations = 0
    calls: dict[int, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        template = operation.path
        base = template.split("{", 1)[0]
        name = template[len(base) + 1:].split("}", 1)[0] if "{" in template else ""
        strategy = operation.as_strategy()
        if name and known.get(base):
            strategy = st.tuples(strategy, st.sampled_from(known[base]), st.integers(0, 4)).map(
                lambda t, name=name: with_param(t[0], name, t[1]) if t[2] else t[0])

        examples = WRITE_EXAMPLES if operation.method.upper() in ("POST", "PUT", "PATCH") else EXAMPLES

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=False)
        @given(case=strategy)
        def run(case) -> None:
            response = case.call_and_validate(
                headers={"Authorization": f"Token {token}", "Accept-Language": "zh-hans"},
                checks=[not_a_server_error, response_schema_conformance],
            )
            calls[response.status_code] = calls.get(response.status_code, 0) + 1

        try:
            with _keep_connection():
                run()
        except Exception as exc:  # noqa: BLE001 - collect, then fail once with all of them
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    print(f"schemathesis: {operations} operations, {sum(calls.values())} calls, by status {sorted(calls.items())}")
    assert operations >= 60 and sum(calls.values()) >= operations
    assert not failures, "\n\n".join(failures)


# ---------------------------------------------------------------- tenancy leak check

# Shared catalogues: the same rows for every hospital by design.
CATALOGUES = {"/api/v1/indicators/", "/api/v1/event-types/", "/api/v1/core-systems/"}


def test_it_shows_another_hospital_nothing_of_h001(seeded, api):  # noqa: F811
    h001, h002 = api(seeded.user("qc_office")), api(seeded.user("qc_office_h002"))
    paths = schema_paths(h001)
    checked = 0
    for path in list_paths(paths):
        if path in CATALOGUES:
            continue
        theirs = {identity(r) for r in all_rows(h001, path)}
        seen = all_rows(h002, path)
        assert not theirs & {identity(r) for r in seen}, path
        assert all(r.get("institution") not in ("H001",) for r in seen), path
        checked += 1
    assert checked >= 8


def test_it_answers_404_on_every_h001_object_path(seeded, api):  # noqa: F811
    """Every object path, read or write, of every H001 object visible to H001's quality office."""
    h001, stranger = api(seeded.user("qc_office")), api(seeded.user("qc_office_h002"))
    paths = schema_paths(h001)
    probed = 0
    validated_first: set[str] = set()
    for list_path in list_paths(paths):
        if list_path in CATALOGUES:
            continue
        rows = [r for r in all_rows(h001, list_path) if r.get("institution", "H001") == "H001"][:2]
        for template, ops in paths.items():
            if not template.startswith(list_path + "{") or template.count("{") != 1:
                continue
            for row in rows:
                key = row.get("id") if "{id}" in template else row.get("code")
                if key is None:
                    continue
                url = re.sub(r"\{[^}]+\}", str(key), template)
                nowhere = re.sub(r"\{[^}]+\}", "987654321", template)
                for method in ("get", "post", "put", "patch", "delete"):
                    if method not in ops:
                        continue
                    response = getattr(stranger, method)(url, {}, format="json")
                    own = body_of(response)
                    if (method == "get" and response.status_code == 200 and isinstance(own, dict)
                            and own.get("institution") not in (None, "H001") and "{id}" not in template):
                        # codes are per hospital: the stranger's own row under the same code, not H001's
                        probed += 1
                        continue
                    if response.status_code != 404:
                        # A write that checks its body before looking the object up answers the same for
                        # an object that does not exist at all: that reveals nothing.
                        blind = getattr(stranger, method)(nowhere, {}, format="json")
                        assert (response.status_code, body_of(response)) == (blind.status_code, body_of(blind)), (
                            method, url, response.status_code, response.content[:200])
                        assert response.status_code in (400, 405), (method, url, response.status_code)
                        validated_first.add(f"{method.upper()} {template}")
                    probed += 1
    assert probed >= 40
    print("answer 400 before scoping (same for a missing id):", sorted(validated_first))
