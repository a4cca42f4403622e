"""The longest text a complaint takes, in characters (see kesu/core/limits.py).

The API's move inputs (kesu/complaints/api/transitions.py), the notes, the intake form and the model's
validators all read these, so the browser's counter, the form and the API refuse alike.
"""

TITLE = 200  # the summary
CHANNEL_DETAIL = 200
PERSON = 100  # a staff member named on the record: who is involved, who made the promise
LINE = 500  # a text told in a line or two: demand detail, why parked, withdrawn, re-graded
ACCOUNT = 5_000  # the customer's account, in their own words
TEXT = 5_000  # solution, result, root cause, actions, verification, case summary, reasons
NOTE = 5_000  # a note or a call on the timeline
ATTACHMENT_DESCRIPTION = 300
THIRD_PARTY_REFERENCE = 100  # the 12315 work order, the manufacturer's or the court's case number
THIRD_PARTY_CONTACT = 300  # who handles it there: name, phone, e-mail
LESSON_TITLE = 120  # a lesson's title: what went wrong, in a line (kesu/lessons)
