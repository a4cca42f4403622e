"""Where the deadlines app has the apps above it act (kesu/core/hooks.py).

- `reminders_due(notifications)`: a sweep batch's reminders and escalation messages, as
  keyword dicts for notifications' notify_many, written in the batch's transaction.
  NotificationsConfig.ready() registers notify_many.
- `after_sweep()`: after each run of the deadline sweep task (Celery beat, run_worker), for the
  date-based reminders of the apps above (improvements: due and review dates, preventive
  actions to verify). Each receiver runs and commits on its own.
- `deadlines_passed(breached, escalated)`: what a sweep batch changed, in the batch's
  transaction: `breached`, the milestones whose deadline passed in this batch (their complaint
  and its branch loaded); `escalated`, `(complaint, from_level, to_level)` for each complaint the
  deadlines escalated (webhooks: `complaint.overdue` and `complaint.escalated`).
"""

from kesu.core.hooks import Hook

reminders_due = Hook("sla: reminders and escalations of a sweep batch")
after_sweep = Hook("sla: after a run of the deadline sweep")
deadlines_passed = Hook("sla: milestones breached and escalations of a sweep batch")
