"""Daily housekeeping (qms/core/housekeeping.py): orphan files (issue 13 item 10), expired Idempotency-Key
records, the access log past its retention (item 1)."""
import datetime as dt
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from adverse_events import services
from adverse_events.models import EventAttachment
from qms.core.housekeeping import housekeeping, purge_access_log
from qms.uploads import sweep_orphan_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}


def _age(root, hours: float) -> None:
    then = time.time() - hours * 3600
    for name in _files(root):
        os.utime(os.path.join(root, name), (then, then))


def _event(user):
    from adverse_events.models import EventType
    from organizations.models import Department

    now = timezone.now()
    return services.adverse_event_report(
        reporter=user, department=Department.objects.get(institution__code="H001", code="CARD"),
        occurred_at=now - dt.timedelta(hours=3), discovered_at=now - dt.timedelta(hours=2),
        event_type=EventType.objects.get(code="FALL"), severity_level="C", description="x")


def test_it_sweeps_the_file_of_a_rolled_back_write_and_keeps_referenced_ones(media, personas):
    event = _event(personas["staff_nurse"])
    kept = services.adverse_event_attach(event=event, actor=personas["qc_office"],
                                         upload=SimpleUploadedFile("a.png", PNG))
    with pytest.raises(RuntimeError), transaction.atomic():  # the worker dies after the file, before the commit
        services.adverse_event_attach(event=event, actor=personas["qc_office"],
                                      upload=SimpleUploadedFile("b.png", PNG))
        raise RuntimeError
    assert EventAttachment.objects.count() == 1
    assert len(_files(media)) == 2  # the rolled-back row's file is on disk
    assert sweep_orphan_files() == []  # too young: may belong to a transaction still running
    _age(media, 2)
    removed = sweep_orphan_files()
    assert len(removed) == 1 and removed[0] != kept.file.name
    assert _files(media) == {kept.file.name}


def test_the_daily_housekeeping_purges_expired_records_and_old_access_log(media, personas, settings, client):
    from axes.models import AccessLog

    from qms.core.models import IdempotencyRecord

    settings.QMS_ACCESS_LOG_RETENTION_DAYS = 30
    AccessLog.objects.create(username="old", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.create(username="new", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(username="old").update(attempt_time=timezone.now() - dt.timedelta(days=31))
    IdempotencyRecord.objects.create(digest="d" * 64, fingerprint="f", status_code=201, response_body={})
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=49))
    result = housekeeping()
    assert result["idempotency_records"] == 1 and result["access_log"] >= 1
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["new"]
    assert purge_access_log() == 0


def test_the_housekeeping_task_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.housekeeping")
    assert task.enabled and task.crontab.hour == "3"
