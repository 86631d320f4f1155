"""The monthly pass (SPEC §9): beat drafts last month's bulletin on a configurable day (default the 3rd).

The schedule lives in the database (django-celery-beat) so that an administrator can move it in the admin;
settings.QMS_BULLETIN_DRAFT_DAY only sets the day this migration first writes. Idempotent: an existing entry
(possibly edited by an administrator) is left as it is.
"""
from django.conf import settings
from django.db import migrations

TASK_NAME = "质量安全月刊：起草上月月刊"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    day = int(getattr(settings, "QMS_BULLETIN_DRAFT_DAY", 3))
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month=str(day), month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="bulletins.draft_monthly",
        crontab=crontab,
        enabled=True,
        description="每月第 N 日（默认 3 日）06:30 为每家启用的医院起草上月的质量安全月刊（第十二条）。",
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
