"""The longest text a callback takes, in characters (see kesu/core/limits.py)."""

NOTES = 5_000  # what the customer said on the call that reached them
ATTEMPT_NOTE = 500  # why a call did not reach them
ANSWER = 2_000  # a questionnaire's free answer
LEAD_INTEREST = 300
