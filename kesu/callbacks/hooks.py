"""Where the callbacks app has the apps above it act (kesu/core/hooks.py).

- `outcome_recorded(task, actor)`: a callback task ended with a result — the customer was
  reached and their answer recorded (task_record_outcome, after the complaint's move it causes),
  or the calls ran out or hit a wrong number (task_not_reached). In that change's transaction
  (webhooks: `callback.outcome`).
"""

from kesu.core.hooks import Hook

outcome_recorded = Hook("callbacks: a callback task's result recorded")
