"""A calendar's days and years are part of it: changing one moves the calendar's updated_at,
which is what the built calendars of every process are keyed by (kesu/sla/services.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from kesu.sla.models import BusinessCalendar, CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def calendar_part_changed(sender, instance, **kwargs) -> None:
    BusinessCalendar.objects.filter(pk=instance.calendar_id).update(updated_at=timezone.now())
