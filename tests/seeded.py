"""The whole demo seeded once per test module (seed_demo takes ~10 s of CPU, too slow per test).

The module fixture opens an outer transaction, seeds, and rolls it back when the module is done; each test
runs inside it in a savepoint (pytest-django's `db`), exactly as Django's TestCase.setUpTestData works. Tests
that use it must not commit (no transactional_db, no live_server).
"""
from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction


class Seeded:
    def __init__(self, password: str) -> None:
        self.password = password

    def user(self, username: str):
        return get_user_model().objects.get(username=username)  # fresh: no cached scope

    def institution(self, code: str):
        from organizations.models import Institution

        return Institution.objects.get(code=code)

    def department(self, institution: str, code: str):
        from organizations.models import Department

        return Department.objects.get(institution__code=institution, code=code)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    from tests.conftest import DEMO_PASSWORD

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with open(os.devnull, "w") as devnull:
                call_command("seed_demo", password=DEMO_PASSWORD, stdout=devnull)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield Seeded(DEMO_PASSWORD)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
