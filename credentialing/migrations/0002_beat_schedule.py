"""Beat entry of credentialing's daily work (django-celery-beat; editable in the admin)."""
import json

from django.db import migrations

NAME = "准入授权：到期处理与到期提醒"
TASK = "credentialing.daily"
DESCRIPTION = ("每天 06:40 将超过截止日的授权置为已到期，并向 90、30、7 天内到期授权的本人、科室主任和医务部门发出提醒"
               "（动态评估期限与越级使用补办期限由每日期限检查提醒）。")


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return  # an administrator's edits are kept
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab, kwargs=json.dumps({}), enabled=True,
                                description=DESCRIPTION)


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credentialing", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
