"""Where the deadlines app has the apps above it act (kesu/core/hooks.py).

- `reminders_due(notifications)`: a sweep batch's reminders and escalation messages, as
  keyword dicts for notifications' notify_many, written in the batch's transaction.
  NotificationsConfig.ready() registers notify_many.
"""

from kesu.core.hooks import Hook

reminders_due = Hook("sla: reminders and escalations of a sweep batch")
