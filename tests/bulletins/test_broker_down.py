"""Issue 13 item 6: with Redis down, starting or regenerating a bulletin answers at once (no 500), leaves no
stuck draft, and the generation waits in the outbox until the broker is back."""
import time

import pytest
from django.test import Client

from bulletins.models import Bulletin
from bulletins.workflow import Status
from qms.notifications import services as outbox
from qms.notifications.models import Outbox
from tests.broker import DEAD_BROKER, broker

pytestmark = pytest.mark.django_db


def _pending_generations(bulletin: Bulletin) -> list[Outbox]:
    return [row for row in Outbox.objects.filter(kind=Outbox.Kind.TASK, status=Outbox.Status.PENDING)
            if row.payload.get("args") == [bulletin.pk] and "bulletin" in row.payload.get("task", "")]


def test_it_starts_and_regenerates_a_bulletin_while_redis_is_down(personas, api, django_capture_on_commit_callbacks):
    page = Client(raise_request_exception=False)
    page.force_login(personas["qc_office"])
    with broker(DEAD_BROKER, eager=False):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            r = page.post("/bulletins/new/", {"institution": "H001", "period": "2025-06"})
        assert r.status_code == 302, r.status_code
        with django_capture_on_commit_callbacks(execute=True):
            a = api(personas["qc_office"]).post("/api/v1/bulletins/", {"institution": "H001", "period": "2025-05"},
                                                format="json")
        assert a.status_code == 202, a.content[:300]
        b = Bulletin.objects.get(year=2025, month=6)
        with django_capture_on_commit_callbacks(execute=True):
            again = page.post(f"/bulletins/{b.pk}/regenerate/")
        assert again.status_code == 302, again.status_code
        assert time.monotonic() - started < 20
    june, may = Bulletin.objects.get(year=2025, month=6), Bulletin.objects.get(year=2025, month=5)
    assert june.status == may.status == Status.DRAFT  # waiting, not a stuck "generating"
    assert _pending_generations(june) and _pending_generations(may)
    # the broker is back: the periodic re-send publishes the work (in-process here) and the drafts are made
    assert outbox.outbox_flush() >= 2
    june.refresh_from_db()
    may.refresh_from_db()
    assert june.status == may.status == Status.READY
    assert not _pending_generations(june) and not _pending_generations(may)
