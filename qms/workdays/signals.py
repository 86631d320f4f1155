from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from qms.workdays import clear_cache
from qms.workdays.models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(sender, **kwargs) -> None:
    clear_cache()
