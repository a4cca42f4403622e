"""Where the customers app has the apps above it act (kesu/core/hooks.py).

- `after_purchase(purchase, actor)`: a purchase was recorded, in purchase_create's transaction
  after its audit entry (callbacks: the tasks for its dates). CallbacksConfig.ready()
  registers callbacks_for_purchase.
"""

from kesu.core.hooks import Hook

after_purchase = Hook("customers: after a purchase is recorded")
