"""The longest text an improvement action takes, in characters (see kesu/core/limits.py)."""

TITLE = 200
TEXT = 5_000  # description, review note
LINE = 300  # why it was cancelled
DENOMINATOR_LABEL = 60  # what the hand-entered number counts, e.g. 交付车辆
COMPLAINT_NUMBERS = 2_000  # the numbers of the complaints that prompted it, typed in a form
