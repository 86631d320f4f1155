"""Seed the beat schedules (django-celery-beat keeps them in the database, editable in the admin)."""
import json

from django.db import migrations

SCHEDULES = [
    # (name, task, kind, schedule, description)
    ("每日期限检查", "notifications.deadline_pass", "crontab", {"minute": "0", "hour": "7"},
     "每天 07:00（北京时间）检查所有法定期限：即将到期、已逾期与逾期上报。"),
    ("每小时期限检查（小时级报告时限）", "notifications.hourly_pass", "crontab", {"minute": "5", "hour": "*"},
     "医疗质量安全事件向卫生健康行政部门报告的12小时、2小时时限，每小时检查。"),
    ("待发送队列重发", "notifications.outbox_flush", "interval", {"every": 1, "period": "minutes"},
     "每分钟发送待发送队列中的邮件与任务（消息代理中断后恢复发送）。"),
]


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, kind, spec, description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue  # an administrator's edits are kept
        fields = {"task": task, "description": description, "kwargs": json.dumps({}), "enabled": True}
        if kind == "crontab":
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=spec["minute"], hour=spec["hour"], day_of_week="*", day_of_month="*",
                month_of_year="*", timezone="Asia/Shanghai",
            )
        else:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=spec["every"], period=spec["period"])
        PeriodicTask.objects.create(name=name, **fields)


def unseed(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
