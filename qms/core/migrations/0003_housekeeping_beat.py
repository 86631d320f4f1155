"""The daily housekeeping (orphan files, expired Idempotency-Key records, access log past its retention)."""
import json

from django.db import migrations

NAME = "每日清理"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return  # an administrator's edits are kept
    crontab, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="3", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.create(
        name=NAME, task="core.housekeeping", crontab=crontab, kwargs=json.dumps({}), enabled=True,
        description="每天 03:30（北京时间）删除无记录引用的文件、过期的 Idempotency-Key 记录和超过保留期的访问日志。",
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotency_by_digest"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(seed, unseed)]
