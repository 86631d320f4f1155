from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose holiday schedule an administrator has entered (confirmed even if the package lacks it)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    entered_at = models.DateTimeField(auto_now_add=True)
    # A year counts as confirmed only once its whole schedule is in (the PUT of API.md, or the administrator
    # ticking this after entering the days one by one): a bare year row is not a published schedule.
    complete = models.BooleanField(_("全年安排已录入"), default=False)

    class Meta:
        verbose_name = _("已录入节假日安排的年份")
        verbose_name_plural = _("已录入节假日安排的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A holiday or a make-up workday (调休上班). Read before the chinesecalendar package: corrections win."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.note}"
