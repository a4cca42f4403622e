"""Where the callbacks app has the apps above it act (kesu/core/hooks.py).

- `outcome_recorded(task, actor)`: a callback task ended with a result — the customer was
  reached and their answer recorded (task_record_outcome, after the complaint's move it causes),
  or the calls ran out or hit a wrong number (task_not_reached). In that change's transaction
  (webhooks: `callback.outcome`).
- `sms_sent(message)`: a text message of the outbox is done with: sent (`SmsStatus.SENT`),
  kept for want of a provider (`RECORDED`) or failed for good (`FAILED`); not called for a try
  that will be repeated. In the sending job's transaction (mailboxes: the complaint's timeline
  says the customer was told only now).
"""

from kesu.core.hooks import Hook

outcome_recorded = Hook("callbacks: a callback task's result recorded")
sms_sent = Hook("callbacks: a text message of the outbox sent, kept or failed for good")
