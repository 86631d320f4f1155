"""Shared fixtures. `demo` builds the organisation of API.md; the persona fixtures name who is asking.

Personas (STYLE.md): same department, other department, other hospital, official above, official elsewhere.
"""
import os

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from organizations import demo as org_demo
from qms import workdays

DEMO_PASSWORD = "pw-Demo-2026"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def demo(db):
    """The organisation part of seed_demo (fast): authorities, H001, H002, departments, users."""
    ctx = org_demo.DemoContext(password=DEMO_PASSWORD)
    org_demo.seed(ctx)
    return ctx


@pytest.fixture
def full_demo(db):
    """Everything seed_demo builds, every app's records included."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import translation

    # Seeded in the product's language, as in production: a test client's English request earlier in the
    # session leaves English active in the thread, and the stored texts would differ from one run to another.
    with translation.override(settings.LANGUAGE_CODE):
        call_command("seed_demo", password=DEMO_PASSWORD, stdout=open(os.devnull, "w"))
    ctx = org_demo.DemoContext(password=DEMO_PASSWORD)
    User = get_user_model()
    ctx.users = {u.username: u for u in User.objects.all()}
    from organizations.models import Authority, Department, Institution

    ctx.authorities = {a.code: a for a in Authority.objects.all()}
    ctx.institutions = {i.code: i for i in Institution.objects.all()}
    ctx.departments = {(d.institution.code, d.code): d for d in Department.objects.select_related("institution")}
    return ctx


def _user(ctx, name):
    return get_user_model().objects.get(pk=ctx.users[name].pk)  # fresh object: no cached scope


@pytest.fixture
def api():
    """An API client factory: api(user) is authenticated as that user with a token."""

    def make(user=None, **headers):
        client = APIClient(**headers)
        if user is not None:
            from rest_framework.authtoken.models import Token

            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def personas(demo):
    """name -> User: the demo users who ask, fresh from the database."""

    class Personas(dict):
        def __missing__(self, key):
            value = _user(demo, key)
            self[key] = value
            return value

    return Personas()


def pytest_collection_modifyitems(items):
    """A transactional test (live server, real worker) flushes every table when it ends, including the
    reference data the migrations seed (event types, the indicator catalogue, beat schedules). Serialized
    rollback restores that data, so a later test on the same worker finds what migrate left."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        transactional = "live_server" in names or "transactional_db" in names or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if transactional:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
