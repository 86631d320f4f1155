"""Beat entries for the indicators' scheduled work (django-celery-beat; editable in the admin).

Every department's monthly report and its Deadline row exist from the first working day of the month after
the period (the task runs every morning and is idempotent), so no page has to create them on a GET.
"""
import json

from django.db import migrations

SCHEDULES = [
    ("科室月报：开启上月报告", "indicators.open_monthly_reports", {"minute": "10", "hour": "6"},
     "每天 06:10 为每个业务科室开启上月的质量月报及其提交期限（已存在则跳过）。"),
    ("指标：重算不良事件报告率", "indicators.recompute_event_rates", {"minute": "20", "hour": "6"},
     "每天 06:20 按不良事件登记与出院人次重算本月、上月的每百出院人次不良事件报告率。"),
    ("指标：由业务数据计算的指标", "indicators.record_computed_values", {"minute": "30", "hour": "6"},
     "每天 06:30 计算由系统数据得出的指标（如四级手术动态评估率、甲级病案率），本月与上月。"),
]


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, spec, description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue  # an administrator's edits are kept
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=spec["minute"], hour=spec["hour"], day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, kwargs=json.dumps({}), enabled=True, description=description
        )


def unseed(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_zibo_catalogue"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
