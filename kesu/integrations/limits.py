"""Text limits of the integrations app."""

NAME = 100
# An outside system's own number for a complaint (a WeChat message id, a CRM case number).
EXTERNAL_REFERENCE = 64
IDEMPOTENCY_KEY = 100
# A caller's number as the telephony system reports it.
CALLER = 32
# Photos one inbound complaint may carry.
PHOTOS = 5
