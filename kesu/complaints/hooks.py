"""Where the complaints app has the apps above it act: sla, callbacks, notifications.

complaints may not import them (layers only point down), so it calls these hooks and each of
those apps registers its functions here in its AppConfig.ready(). Receivers run synchronously
in registration order (INSTALLED_APPS: sla, notifications, callbacks), inside the caller's
transaction; see kesu/core/hooks.py.

- `registration_planned(complaint)`: a complaint about to be registered, not saved yet and
  without its number; only reads (the counter row is not locked yet). A receiver may set
  fields of the row (sla: due_at) and returns a `RegistrationPart` or None.
- the part's `save(complaint)`: in the registration's transaction, once the complaint has its
  id, before its "register" entry; `audit_data` joins that entry's data (sla: "due").
- `after_registration(complaint)`: in the registration's transaction, after the "register"
  entry (notifications: the crisis alert).
- `after_move(complaint, move, actor)`: in a move's transaction, after its audit entry
  (sla: the milestones; callbacks: the tasks the move plans, and the closing text message).
- `move_recorded(complaint, move, actor, changes, data)`: right after `after_move`, with what
  the move changed (`changes`: field → [old, new], ids for foreign keys) and the rest of its
  audit data (notifications: who must hear of it).
- `team_changed(complaint, member, actor, previous="", entry=None)`: someone was put on the
  complaint's team, or their role on it changed from `previous` (team.py; `entry` is the
  change's audit entry; notifications: tell them, once per change; sla: the update cadence).
- `after_contact(complaint, actor)`: a call or a note shared with the customer was recorded
  (sla: the first-contact milestone is met).
- `note_shared(complaint, entry)`: a note shared with the customer was recorded (its audit
  entry, data "shared_with_customer": true), after `after_contact`, in the note's transaction:
  the apps above may send it to the customer.
- `defaults_installed(organisation)`: install_defaults gave an organisation its categories and
  rules (sla: deadline policies; callbacks: callback plans); each part only once.
- `printed_deadlines(complaint)`: the deadlines a printed notice or form shows, as a list of
  `PrintedDeadline` (sla: the latest round of first contact, solution and resolution).
- `template_installed(organisation)`: organisation_install_template installed an industry
  template (sla: the organisation's default working calendar).
- `entry_replayed(values, action, data)`: kesu/complaints/consistency.py replays a complaint's
  timeline onto the values its row must have; a receiver applies the entries of its own app
  (sla: "deadlines" sets due_at, an escalation its level; the "register" entry's due times).
  Called for the registration and for every entry that is neither a move nor an edit.
- `manufacturer_feedback_expected(complaint, actor)`: an answer of the manufacturer's staff
  was recorded that expects a report back (sla: the feedback deadline starts, unless one runs).
- `manufacturer_feedback_sent(complaint, actor)`: staff recorded the feedback sent to the
  manufacturer (sla: the feedback deadline is met).
- `closed_with_lesson(complaint, actor, title, text, advice)`: a complaint was closed and its
  closer shared the case as a lesson (lessons: the lesson is stored and its timeline entry
  written), in the close's transaction after the move's entry; a `ValidationError` keyed by the
  close form's fields refuses the close.
- `complaint_panels(complaint, user, forms)` and `intake_panels(user)`: what the apps above
  show on the complaint page and beside the intake form, as a `PagePanel` or None each
  (lessons: the lessons from similar cases). `forms` holds a refused form of a panel, by the
  key the panel's app chose. A panel's template is included with the panel's context as
  `panel`.
- `customer_panels(customer, user, query)`: what the apps above show on the customer's page
  (views_customers.py; `query` is the page's query string, for a panel's own paging), as a `PagePanel` or None each (callbacks: the calling preference, its
  form, and the customer's callbacks). A panel's template is included with its context as
  `panel`.
- `customer_history_parts(customer, user)`: the audited objects of the apps above that the
  customer's page lists among the customer's changes, as a `CustomerHistoryPart` or None
  (callbacks: the calling preference). `describe(entry, user)` gives an entry's lines.
- `exported_columns(user)`: the columns the apps above add to the Excel export of the list
  (kesu/complaints/exports.py), as an `ExportPart` or None (sla: each milestone's due and met
  times; callbacks: the satisfaction score and NPS the callbacks recorded). A part's `load(ids)`
  fetches, in a fixed number of queries, what its columns show for one chunk of complaint ids,
  as {complaint id: data}; each column's `value(data)` reads one complaint's data (None when
  `load` found none). The part's columns follow the export's column keyed `after`.
- `home_panels(user)`: what the apps above add to the user's home page (My work), as a
  `HomePanel` or None each (reports: the director's and GM's month at a glance). A panel's
  template is included with the panel as `panel`.
- `panel_actions()`: the audit actions the complaint page shows in a panel of their own rather
  than in the timeline, as an iterable of codes (sla: deadline changes, in the deadlines table).
- `customer_ratings(complaint)`: what the customer said of the handling in the apps above,
  as a list of `CustomerRating` each (callbacks: the "result" rating, 1–5, and the comment of
  each questionnaire answered about the complaint — the portal's rating among them), shown on
  the complaint page and its printed form. Not the procedure's `satisfaction`, which staff
  record when they verify (or reopen) the case.
- `complaint_printouts(user, complaint)`: the printouts of the apps above that the complaint
  page links to beside its own, as a `PrintLink` or None (callbacks: the callback record, for
  those who work with callbacks, once the complaint has a callback they see).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kesu.core.hooks import Hook


@dataclass(frozen=True)
class RegistrationPart:
    save: Callable[[Any], None]
    audit_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PrintedDeadline:
    kind: str
    label: str
    due_at: Any
    status: str
    status_label: str
    is_resolution: bool = False


@dataclass(frozen=True)
class PrintLink:
    label: str
    url: str


@dataclass(frozen=True)
class ExportColumn:
    title: str
    width: int
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportPart:
    after: str
    columns: list[ExportColumn]
    load: Callable[[list[int]], dict[int, Any]]


@dataclass(frozen=True)
class CustomerRating:
    at: Any
    score: int  # 1–5
    comment: str
    source: str  # where it was given: the questionnaire's name, in the active language


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: dict[str, Any]


registration_planned = Hook("complaints: registration planned")
after_registration = Hook("complaints: after registration")
after_move = Hook("complaints: after a move")
move_recorded = Hook("complaints: a move recorded, with its changes")
team_changed = Hook("complaints: someone put on a complaint's team or their role changed")
after_contact = Hook("complaints: after contact with the customer")
note_shared = Hook("complaints: a note shared with the customer was recorded")
defaults_installed = Hook("complaints: organisation defaults installed")
template_installed = Hook("complaints: industry template installed")
printed_deadlines = Hook("complaints: deadlines on a printout")
entry_replayed = Hook("complaints: a timeline entry replayed onto the row")
exported_columns = Hook("complaints: columns of the Excel export")
panel_actions = Hook("complaints: actions shown in a panel, not the timeline")
home_panels = Hook("complaints: panels of the home page")
customer_ratings = Hook("complaints: the customer's own ratings of the handling")
complaint_printouts = Hook("complaints: printouts of the apps above on the complaint page")
manufacturer_feedback_expected = Hook("complaints: the manufacturer expects a report back")
manufacturer_feedback_sent = Hook("complaints: feedback sent to the manufacturer")


@dataclass(frozen=True)
class PagePanel:
    template: str
    context: dict[str, Any]


closed_with_lesson = Hook("complaints: closed, and shared as a lesson")
complaint_panels = Hook("complaints: panels of the complaint page")
intake_panels = Hook("complaints: panels beside the intake form")


@dataclass(frozen=True)
class CustomerHistoryPart:
    object_type: str
    ids: list[int]
    describe: Callable[[Any, Any], list[str]]


customer_panels = Hook("complaints: panels of the customer's page")
customer_history_parts = Hook(
    "complaints: audited objects of the apps above on the customer's page"
)

# `told_about(user, complaint_id)`: whether the user was told of the complaint (notifications:
# their inbox has an item about it), for a page that says it moved out of their view.
told_about = Hook("complaints: the user was told of a complaint they no longer see")
