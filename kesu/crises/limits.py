"""The longest text a crisis takes, in characters (see kesu/core/limits.py)."""

TITLE = 200  # a step's title, a post's title
LINE = 300  # where a statement was made, a post's reach
TEXT = 5_000  # the internal notice, a statement, the review's answers, notes
URL = 1_000  # a watched post's address
