"""Who may use which page and endpoint: the declared access matrix.

One `Rule` per route name and HTTP method (API rules also cover the schema operation of the same
path and method). test_access_matrix.py checks every rule for every role against an object of
the user's own branch, an object of the other branch, and anonymously; it also fails when a URL
pattern or schema operation has no rule, or a rule names a route that no longer exists.
docs/access.md is generated from this table (`access_table`).

Scopes — what "own" and "other" mean for a rule:
- OBJECT: the URL takes the id of an object of a branch; the other branch's object is 404 for
  branch roles, and visible to the organisation-wide roles (group, admin).
- LISTED: a list; the own branch's object is listed, the other branch's is not (except for the
  organisation-wide roles).
- PERSONAL: the object belongs to one user (inbox item, saved view); another user's is 404 for
  everyone.
- NONE: no object; the rule is checked once per role.

Writes send a probe body: invalid where validation comes after the access decision (expect 400
when the user may, the refusal otherwise); a valid one where the refusal comes after validation
(the change is rolled back with the test's transaction).
"""

from dataclasses import dataclass

from kesu.callbacks.selectors import (
    OWN_ROLE_ONLY_ROLES,
    RECORDING_ROLES,
    SUPERVISING_ROLES,
    WORKSPACE_ROLES,
)
from kesu.complaints.imports import IMPORT_ROLES
from kesu.complaints.services import REGISTERING_ROLES
from kesu.complaints.team import TEAM_LEADING_ROLES
from kesu.complaints.triage_panel import ACCEPTANCE_ROLES
from kesu.complaints.workflow import TRANSITIONS
from kesu.crises.selectors import LEADING_ROLES as CRISIS_LEADERS
from kesu.emerging.selectors import CRISIS_ROLES as EMERGING_CRISIS_ROLES
from kesu.emerging.selectors import DECIDING_ROLES as EMERGING_DECIDERS
from kesu.emerging.selectors import READING_ROLES as EMERGING_READERS
from kesu.improvements.selectors import EDITING_ROLES as IMPROVING_ROLES
from kesu.improvements.selectors import REVIEWING_ROLES as IMPROVEMENT_REVIEWERS
from kesu.lessons.choices import MARKING_ROLES
from kesu.organisation.choices import ORGANISATION_WIDE_ROLES, Role
from kesu.reports.access import REPORT_ROLES
from kesu.webhooks.selectors import MANAGING_ROLES as WEBHOOK_ROLES

ROLES = tuple(Role.values)
EVERYONE = frozenset(ROLES)
BRANCH_ROLES = tuple(r for r in ROLES if r not in ORGANISATION_WIDE_ROLES)

# Who may change a complaint's team: those who lead its handling, and its owner (the matrix's
# complaint is owned by the frontline user who registered it).
TEAM_MANAGERS = TEAM_LEADING_ROLES | {Role.FRONTLINE}

OWN, OTHER, ANON = "own", "other", "anonymous"
OBJECT, LISTED, PERSONAL, NONE = "object", "listed", "personal", "none"
PERSONAL_OBJECTS = frozenset(
    {"notification", "saved_view", "import_job"}
)  # one user's, whatever the role

PAGE_LOGIN = 302  # a page sends the anonymous visitor to /login/?next=…
API_ANON = 401  # the API answers an anonymous request with a JSON 401


@dataclass(frozen=True)
class Expect:
    status: int
    listed: bool | None = None  # for LISTED rules: is the scope's object in the list?

    def __str__(self) -> str:
        if self.listed is None:
            return str(self.status)
        return f"{self.status} {'listed' if self.listed else 'not listed'}"


@dataclass(frozen=True)
class Rule:
    route: str  # "namespace:name" as django.urls.reverse knows it
    method: str = "GET"
    may: frozenset = EVERYONE  # the signed-in roles that may
    ok: int = 200  # what a role that may gets
    refused: int | dict = 403  # what a signed-in role that may not gets (dict: per role)
    anonymous: int = PAGE_LOGIN
    scope: str = NONE
    obj: str = ""  # which fixture object the URL (or the list) is about
    # Probe body of a write: "@role" is that role's user's id, "#obj.attr" an attribute of the
    # scope's object (e.g. "#complaint.version").
    body: dict | None = None
    form: bool = False  # an API write sent as multipart form data instead of JSON
    query: str = ""  # query string; "{phone}" is the scope's customer's phone
    # "role": a role that may not is refused whatever the object; "object": the object's
    # visibility is decided first (another branch's object is 404 even for a refused role).
    decided_first: str = "role"
    roles: tuple = ROLES  # roles checked (a subset for slow renderings such as PDFs)
    means: str = ""  # what "may" means, in the documentation
    # Roles that never see the scope's object, not even their own branch's (the callback task is
    # a callback specialist's call; frontline staff see only the calls planned for their role).
    hidden_from: frozenset = frozenset()
    # LISTED: every branch's objects are listed to every role (lessons are read organisation-wide).
    shared: bool = False

    @property
    def key(self) -> str:
        return f"{self.route} {self.method}"

    def refused_for(self, role: str) -> int:
        if isinstance(self.refused, dict):
            return self.refused.get(role, self.refused.get("*", 403))
        return self.refused

    def expect(self, role: str | None, scope: str) -> Expect:
        if scope == ANON or role is None:
            return Expect(self.anonymous)
        org_wide = role in ORGANISATION_WIDE_ROLES
        hidden = (
            scope == OTHER
            and (
                self.scope == PERSONAL
                or self.obj in PERSONAL_OBJECTS
                or (self.scope in (OBJECT, LISTED) and not org_wide and not self.shared)
            )
        ) or (self.scope in (OBJECT, LISTED) and role in self.hidden_from)
        may = role in self.may
        if self.scope == LISTED:
            return Expect(self.ok, listed=not hidden) if may else Expect(self.refused_for(role))
        if hidden and (may or self.decided_first == "object"):
            return Expect(404)
        if not may:
            return Expect(self.refused_for(role))
        return Expect(self.ok)

    def scopes(self) -> tuple[str, ...]:
        return (OWN, ANON) if self.scope == NONE else (OWN, OTHER, ANON)


SHELL_ROUTES = frozenset({"login", "logout"})
READS_REPORTS = (
    "answers for a department, a branch or the group (handling manager, director, general "
    "manager, group); figures of what they see"
)

KEEPS_REPORTS = (
    "reads reports; the kept reports of their branch (the group's and every branch's for the "
    "group); a handling manager of a department none"
)
KEPT_HIDDEN = frozenset({Role.HANDLER})


def _web(route: str, method: str = "GET", **kwargs) -> Rule:
    """A page: the shell's (web:), the inbox's (notifications:) or a complaint page's."""
    if route in SHELL_ROUTES:
        namespace = "web"
    elif route.startswith("inbox"):
        namespace = "notifications"
    else:
        namespace = "complaints"
    return Rule(f"{namespace}:{route}", method, **kwargs)


def _callbacks(route: str, method: str = "GET", **kwargs) -> Rule:
    kwargs.setdefault("may", WORKSPACE_ROLES)
    if kwargs.get("obj") == "task":
        kwargs.setdefault("hidden_from", OWN_ROLE_ONLY_ROLES)
    return Rule(f"callbacks:{route}", method, **kwargs)


CUSTOMERS = "anyone (the customer portal needs no login; staff see what a customer sees)"


def _portal(route: str, method: str = "GET", status: int = 200, means: str = CUSTOMERS, **kw):
    return Rule(f"portal:{route}", method, ok=status, anonymous=status, means=means, **kw)


def _portal_rules() -> list[Rule]:
    without = "; without a confirmed phone or a tracking session it sends the visitor back"
    post_only = "POST only"
    return [
        _portal("home"),
        _portal("track"),
        _portal(
            "track", "POST", 400, CUSTOMERS + "; a missing number is refused with 400", body={}
        ),
        _portal("start"),
        _portal("start", "POST", 400, CUSTOMERS + "; a missing phone is refused with 400", body={}),
        _portal("verify", status=302, means=CUSTOMERS + without),
        _portal("verify", "POST", 302, CUSTOMERS + without, body={}),
        _portal("file", status=302, means=CUSTOMERS + without),
        _portal("file", "POST", 302, CUSTOMERS + without, body={}),
        _portal("case", status=302, means=CUSTOMERS + without),
        _portal("case", "POST", 302, CUSTOMERS + without, body={}),
        _portal("case-add", "POST", 302, CUSTOMERS + without, body={}),
        _portal("case-add", status=405, means=post_only),
        _portal("case-rate", "POST", 302, CUSTOMERS + without, body={}),
        _portal("case-rate", status=405, means=post_only),
        _portal("leave", "POST", 302, CUSTOMERS + "; ends the visitor's portal session", body={}),
        _portal("leave", status=405, means=post_only),
    ]


def _api(route: str, method: str = "GET", **kwargs) -> Rule:
    kwargs.setdefault("anonymous", API_ANON)
    return Rule(f"api:{route}", method, **kwargs)


# Closing a pop-up: the call's agent only (the branch's frontline user); anyone else 404.
_call_dismissal = [
    Rule(
        "integrations:call-dismiss",
        "POST",
        may=frozenset({Role.FRONTLINE}),
        ok=204,
        refused=404,
        scope=OBJECT,
        obj="incoming_call",
        means="the call's own agent; anyone else 404",
    )
]


def _post_only(rule: Rule) -> Rule:
    """GET on a POST-only page: 405 (Kesu's error page) once past the sign-in (and the
    callbacks' role) check; a complaint's form address sends the GET to the complaint's page."""
    to_complaint = rule.route.startswith(("complaints:", "lessons:")) and rule.obj in (
        "complaint",
        "exchange",
        "closed",
    )
    return Rule(
        rule.route,
        "GET",
        may=WORKSPACE_ROLES if rule.route.startswith("callbacks:") else EVERYONE,
        ok=302 if to_complaint else 405,
        refused=rule.refused,
        anonymous=rule.anonymous,
        scope=NONE,
        obj=rule.obj,
        means="POST only; a GET goes to the complaint's page" if to_complaint else "POST only",
    )


IMPORTS = (
    "imports historical complaints (director, general manager: into their branch; group, admin)"
)
OWN_IMPORT = IMPORTS + "; the import is the user's own"
# Who puts a complaint to the manufacturer and records its answers and the feedback.
MANUFACTURER_ROLES = TRANSITIONS["escalate"].roles
# complaint_update and the customers' services refuse these roles after validation.
EDITING_ROLES = EVERYONE - {Role.GROUP, Role.ADMIN}
CUSTOMER_WRITERS = EVERYONE - {Role.ADMIN}
PDF_ROLES = (Role.GROUP,)  # a PDF takes a second: the HTML rows check every role
SEES = "sees the complaint (its branch; a handling manager: its department or own cases)"
CALLBACK_RECORD = "works with callbacks and sees the task (frontline: one planned for their role)"
COMPLAINT_CALLBACKS = (
    "works with callbacks and sees the complaint; the callbacks of it they see (frontline: "
    "those planned for their role)"
)
# A transition's probe: a valid body on a withdrawn complaint, where no move is possible, so the
# role check (403) is reached before the state check (409) and nothing changes.
TRANSITION_PROBES = {
    "confirm": {"method": "signature"},
    "start_investigation": {},
    "propose_solution": {"solution": "矩阵探测"},
    "approve_compensation": {},
    "reject_compensation": {"reason": "矩阵探测"},
    "accept_solution": {},
    "decline_solution": {"reason": "矩阵探测"},
    "resolve": {"result": "矩阵探测"},
    "verify": {"satisfaction": "satisfied"},
    "close": {},
    "reopen": {"reason": "矩阵探测"},
    "park": {"reason": "矩阵探测", "follow_up_on": "2030-01-02"},
    "resume": {},
    "merge": {"into": "1"},  # a number or id, as a string (the schema's type)
    "withdraw": {"reason": "矩阵探测"},
    "hand_over": {"to_user": "@group"},  # @role: that role's user id
    "take_on": {},
    "escalate": {"level": 2, "reason": "矩阵探测"},
    "take_over": {},
    "send_back": {"instructions": "矩阵探测"},
    "set_deadline": {"due_at": "2030-01-02T10:00:00+08:00", "reason": "矩阵探测"},
    "override_severity": {"severity": "major", "reason": "矩阵探测"},
    "record_root_cause": {"root_cause": "矩阵探测"},
    "verify_prevention": {"verification": "矩阵探测"},
}

_web_writes = [
    _web(
        "intake-add-to",
        "POST",
        ok=302,
        scope=OBJECT,
        obj="complaint",
        body={},
        means="sees the complaint; nothing typed sends them back to intake",
    ),
    _web(
        "complaint-move",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=400,
        body={},
        means=SEES + "; an empty form reaches validation (the move's role check: API rows)",
    ),
    _web(
        "complaint-checklist",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=400,
        body={},
        means=SEES + "; an unknown item is refused with 400",
    ),
    _web(
        "complaint-note",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=302,
        body={"text": "矩阵探测"},
        means=SEES + "; the note is added, back to the page",
    ),
    _web(
        "complaint-staff",
        "POST",
        may=EDITING_ROLES,
        scope=OBJECT,
        obj="complaint",
        ok=400,
        body={},
        means=SEES + " and edits records (not group, admin); an empty form is refused with 400",
    ),
    _web(
        "complaint-upload",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=302,
        body={"file": "upload"},
        means=SEES + "; the file is attached, back to the page",
    ),
    _web(
        "complaint-team-add",
        "POST",
        scope=OBJECT,
        obj="complaint",
        may=TEAM_MANAGERS,
        ok=400,
        refused=302,
        body={},
        decided_first="object",
        means=SEES + " and owns it or leads the handling; an empty form is refused with 400, "
        "others are sent back to the page with a message",
    ),
    _web(
        "complaint-team-remove",
        "POST",
        scope=OBJECT,
        obj="complaint",
        may=TEAM_MANAGERS,
        ok=404,
        refused=302,
        body={},
        decided_first="object",
        means=SEES + " and owns it or leads the handling; someone not on the team: 404",
    ),
    _web(
        "complaint-third-party",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=400,
        body={},
        means=SEES + "; an empty form is refused with 400 (the edit's role check: API PATCH)",
    ),
    _web(
        "complaint-maker-ask",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=400,
        body={},
        means=SEES + "; an empty form is refused with 400 (the role check: API rows)",
    ),
    _web(
        "complaint-maker-answer",
        "POST",
        scope=OBJECT,
        obj="exchange",
        ok=400,
        body={},
        means=SEES + "; an empty answer is refused with 400 (the role check: API rows)",
    ),
    _web(
        "complaint-maker-feedback",
        "POST",
        scope=OBJECT,
        obj="complaint",
        ok=400,
        body={},
        means=SEES + "; an empty form is refused with 400 (the role check: API rows)",
    ),
    _web(
        "inbox-read",
        "POST",
        scope=PERSONAL,
        obj="notification",
        ok=302,
        means="the item is the user's own",
    ),
    _web("inbox-read-all", "POST", ok=302, means="signed in; marks the user's own items"),
    _web(
        "saved-view-create",
        "POST",
        ok=302,
        body={},
        means="signed in; an empty name is refused with a message",
    ),
    _web(
        "saved-view-delete",
        "POST",
        scope=PERSONAL,
        obj="saved_view",
        ok=302,
        means="the view is the user's own",
    ),
    _web(
        "complaint-bulk-hand-over",
        "POST",
        ok=302,
        body={},
        means="signed in; each complaint is handed over only if the user sees it",
    ),
]

_callback_writes = [
    _callbacks(
        "task-unreached",
        "POST",
        may=RECORDING_ROLES,
        scope=OBJECT,
        obj="task",
        ok=400,
        body={"result": "矩阵"},
        means="records calls and sees the task; an unknown result is refused with 400",
    ),
    _callbacks(
        "task-outcome",
        "POST",
        may=RECORDING_ROLES,
        scope=OBJECT,
        obj="task",
        ok=400,
        body={},
        means="records calls and sees the task; a missing satisfaction is refused",
    ),
    _callbacks(
        "task-preference",
        "POST",
        may=RECORDING_ROLES,
        scope=OBJECT,
        obj="task",
        ok=302,
        body={},
        means="records calls and sees the task",
    ),
    _callbacks(
        "customer-preference",
        "POST",
        may=RECORDING_ROLES,
        scope=OBJECT,
        obj="customer",
        ok=302,
        body={},
        means="records calls and sees the customer; the preference is rolled back",
    ),
    _callbacks(
        "task-survey-link",
        "POST",
        may=RECORDING_ROLES,
        scope=OBJECT,
        obj="task",
        ok=302,
        means="records calls (callback, director, general manager, frontline) and sees the task",
    ),
    _callbacks(
        "draw-create",
        "POST",
        may=SUPERVISING_ROLES,
        ok=302,
        body={},
        means="supervises callbacks; a missing period is refused with a message",
    ),
]

# Improvement actions (kesu/improvements): everyone reads their branch's; the matrix's action is
# its branch's service department's, owned by the branch's customer director.
SEES_ACTION = "sees the improvement action (its branch's, or the group's)"
CHANGES_ACTION = (
    SEES_ACTION + " and answers for it (handling manager of its department, director, general "
    "manager of its branch, group)"
)
_improvement_writes = [
    Rule(
        "improvements:status",
        "POST",
        may=IMPROVING_ROLES,
        ok=302,
        scope=OBJECT,
        obj="improvement",
        body={"move": "start"},
        decided_first="object",
        means=CHANGES_ACTION + ", or owns it; started (rolled back), back to its page",
    ),
    Rule(
        "improvements:review",
        "POST",
        may=IMPROVEMENT_REVIEWERS,
        ok=400,
        scope=OBJECT,
        obj="improvement",
        body={},
        decided_first="object",
        means=SEES_ACTION + " and reviews it (director, general manager of its branch, group); "
        "an empty form is refused with 400",
    ),
]
_improvement_rules = [
    Rule(
        "improvements:list",
        scope=LISTED,
        obj="improvement",
        means="signed in to an organisation; lists their branch's actions and the group's "
        "(all for group, admin)",
    ),
    Rule(
        "improvements:create",
        may=IMPROVING_ROLES,
        means="takes improvement actions (handling manager, director, general manager, group)",
    ),
    Rule(
        "improvements:create",
        "POST",
        may=IMPROVING_ROLES,
        ok=400,
        body={},
        means="takes improvement actions; an empty form is refused with 400",
    ),
    Rule("improvements:detail", scope=OBJECT, obj="improvement", means=SEES_ACTION),
    Rule(
        "improvements:edit",
        may=IMPROVING_ROLES,
        scope=OBJECT,
        obj="improvement",
        decided_first="object",
        means=CHANGES_ACTION,
    ),
    Rule(
        "improvements:edit",
        "POST",
        may=IMPROVING_ROLES,
        ok=400,
        scope=OBJECT,
        obj="improvement",
        body={},
        decided_first="object",
        means=CHANGES_ACTION + "; an empty form is refused with 400",
    ),
    *_improvement_writes,
    *[_post_only(rule) for rule in _improvement_writes],
    _api("improvement-list", scope=LISTED, obj="improvement", means=SEES_ACTION + "; listed"),
    _api(
        "improvement-list",
        "POST",
        may=IMPROVING_ROLES,
        ok=400,
        body={},
        means="takes improvement actions; an empty body is refused with 400",
    ),
    _api("improvement-detail", scope=OBJECT, obj="improvement", means=SEES_ACTION),
    _api(
        "improvement-detail",
        "PATCH",
        may=IMPROVING_ROLES,
        scope=OBJECT,
        obj="improvement",
        body={"title": "矩阵探测"},
        decided_first="object",
        means=CHANGES_ACTION + "; the edit is rolled back",
    ),
    _api(
        "improvement-status",
        "POST",
        may=IMPROVING_ROLES,
        scope=OBJECT,
        obj="improvement",
        body={"move": "start"},
        decided_first="object",
        means=CHANGES_ACTION + ", or owns it; started (rolled back)",
    ),
    _api(
        "improvement-review",
        "POST",
        may=IMPROVEMENT_REVIEWERS,
        ok=409,
        scope=OBJECT,
        obj="improvement",
        body={"verdict": "effective"},
        decided_first="object",
        means=SEES_ACTION + " and reviews it; the matrix's action is not done yet (409)",
    ),
]

# Crises (kesu/crises): everyone of the branch reads its crises (the internal notice is for all);
# the matrix's crisis was opened by the general manager, its spokesperson the customer director.
SEES_CRISIS = "sees the crisis (its branch's; every branch's for group, admin)"
LEADS_CRISIS = SEES_CRISIS + " and leads it (director, general manager of its branch, group)"
_crisis_writes = [
    Rule(
        "crises:open",
        "POST",
        may=CRISIS_LEADERS,
        ok=400,
        scope=OBJECT,
        obj="crisis_complaint",
        body={},
        decided_first="object",
        means="sees the crisis complaint and leads its branch (director, general manager, group); "
        "an empty form is refused with 400",
    ),
    *[
        Rule(
            f"crises:{route}",
            "POST",
            may=CRISIS_LEADERS,
            ok=400,
            scope=OBJECT,
            obj="crisis",
            body={},
            decided_first="object",
            means=LEADS_CRISIS + extra + "; an empty form is refused with 400",
        )
        for route, extra in (
            ("spokesperson", ""),
            ("step-add", ", or is its spokesperson"),
            ("statement-add", ", or is its spokesperson"),
            ("post-add", ", or is its spokesperson"),
            ("end", ""),
        )
    ],
    Rule(
        "crises:step-done",
        "POST",
        may=CRISIS_LEADERS | {Role.HANDLER},
        ok=302,
        scope=OBJECT,
        obj="crisis_step",
        body={},
        decided_first="object",
        means=LEADS_CRISIS + ", is its spokesperson or owns the step (the matrix's: the handling "
        "manager); marked done (rolled back), back to the crisis",
    ),
]
_crisis_rules = [
    Rule(
        "crises:list",
        scope=LISTED,
        obj="crisis",
        means="signed in to an organisation; lists their branch's crises (all for group, admin)",
    ),
    Rule("crises:detail", scope=OBJECT, obj="crisis", means=SEES_CRISIS),
    *_crisis_writes,
    *[_post_only(rule) for rule in _crisis_writes],
    _api("crisis-list", scope=LISTED, obj="crisis", means=SEES_CRISIS + "; listed"),
    _api("crisis-detail", scope=OBJECT, obj="crisis", means=SEES_CRISIS),
]

# Emerging issues (kesu/emerging): who answers for complaints sees them (handling managers: of
# the department that owns the defect); frontline staff and callback specialists do not. The
# matrix's issue: four similar complaints of the branch's service department.
SEES_EMERGING = (
    "answers for complaints (handling manager of the owning department, director, general "
    "manager of a branch with one of its complaints; group, admin)"
)
NOT_SEEING_EMERGING = {Role.FRONTLINE: 404, Role.CALLBACK: 404, "*": 403}
_emerging_writes = [
    Rule(
        "emerging:dismiss",
        "POST",
        may=EMERGING_DECIDERS,
        ok=400,
        refused=NOT_SEEING_EMERGING,
        scope=OBJECT,
        obj="emerging",
        body={},
        decided_first="object",
        means=SEES_EMERGING + " and decides (director, general manager, group); an empty "
        "reason is refused with 400",
    ),
    Rule(
        "emerging:improve",
        "POST",
        may=IMPROVING_ROLES,
        ok=302,
        refused=NOT_SEEING_EMERGING,
        scope=OBJECT,
        obj="emerging",
        decided_first="object",
        means=SEES_EMERGING + " and takes improvement actions; the action is recorded (rolled "
        "back) and its form opened",
    ),
    Rule(
        "emerging:crisis",
        "POST",
        may=EMERGING_CRISIS_ROLES,
        ok=302,
        refused=NOT_SEEING_EMERGING,
        scope=OBJECT,
        obj="emerging",
        decided_first="object",
        means=SEES_EMERGING + " and flags crises (director, general manager of a branch with one "
        "of its complaints); the crisis is opened (rolled back), or the refusal shown on its page",
    ),
]
# Outgoing webhooks (kesu/webhooks): the administrator's; the matrix's endpoint hears its branch,
# its delivery is the branch complaint's "created" event.
MANAGES_WEBHOOKS = "the administrator (their organisation's endpoints and deliveries, every branch)"
_webhook_writes = [
    Rule(
        "webhooks:endpoint-secret",
        "POST",
        may=WEBHOOK_ROLES,
        scope=OBJECT,
        obj="webhook_endpoint",
        means=MANAGES_WEBHOOKS + "; the new secret is shown once (rolled back)",
    ),
    Rule(
        "webhooks:delivery-replay",
        "POST",
        may=WEBHOOK_ROLES,
        ok=302,
        scope=OBJECT,
        obj="webhook_delivery",
        means=MANAGES_WEBHOOKS + "; a new delivery of the same message (rolled back)",
    ),
]
_webhook_rules = [
    Rule("webhooks:endpoints", may=WEBHOOK_ROLES, means=MANAGES_WEBHOOKS),
    Rule("webhooks:endpoint-new", may=WEBHOOK_ROLES, means=MANAGES_WEBHOOKS),
    Rule(
        "webhooks:endpoint-new",
        "POST",
        may=WEBHOOK_ROLES,
        ok=400,
        body={},
        means=MANAGES_WEBHOOKS + "; an empty form is refused with 400",
    ),
    Rule(
        "webhooks:endpoint",
        may=WEBHOOK_ROLES,
        scope=OBJECT,
        obj="webhook_endpoint",
        means=MANAGES_WEBHOOKS,
    ),
    Rule(
        "webhooks:endpoint",
        "POST",
        may=WEBHOOK_ROLES,
        ok=400,
        body={},
        scope=OBJECT,
        obj="webhook_endpoint",
        means=MANAGES_WEBHOOKS + "; an empty form is refused with 400",
    ),
    Rule("webhooks:deliveries", may=WEBHOOK_ROLES, means=MANAGES_WEBHOOKS),
    Rule(
        "webhooks:delivery",
        may=WEBHOOK_ROLES,
        scope=OBJECT,
        obj="webhook_delivery",
        means=MANAGES_WEBHOOKS,
    ),
    *_webhook_writes,
    *[_post_only(rule) for rule in _webhook_writes],
]
_emerging_rules = [
    Rule(
        "emerging:list",
        may=EMERGING_READERS,
        scope=LISTED,
        obj="emerging",
        means=SEES_EMERGING + "; lists those",
    ),
    Rule(
        "emerging:detail", may=EMERGING_READERS, scope=OBJECT, obj="emerging", means=SEES_EMERGING
    ),
    *_emerging_writes,
    *[_post_only(rule) for rule in _emerging_writes],
    _api(
        "emerging-issue-list",
        may=EMERGING_READERS,
        scope=LISTED,
        obj="emerging",
        means=SEES_EMERGING + "; listed",
    ),
    _api(
        "emerging-issue-detail",
        may=EMERGING_READERS,
        scope=OBJECT,
        obj="emerging",
        means=SEES_EMERGING,
    ),
]

SHARES_LESSONS = (
    "sees the complaint and shares lessons (handling manager, director, general manager)"
)
_lesson_writes = [
    Rule(
        "lessons:mark",
        "POST",
        may=MARKING_ROLES,
        scope=OBJECT,
        obj="closed",
        ok=400,
        body={},
        decided_first="object",
        means=SHARES_LESSONS + "; an empty form is refused with 400",
    ),
    Rule(
        "lessons:unmark",
        "POST",
        may=MARKING_ROLES,
        scope=OBJECT,
        obj="closed",
        ok=302,
        decided_first="object",
        means=SHARES_LESSONS + "; the lesson is taken back (rolled back), back to the page",
    ),
]

RULES: list[Rule] = [
    # ---- The staff workspace ----------------------------------------------------------------
    _web("my-work", means="signed in"),
    _web("login", ok=302, anonymous=200, means="anonymous; a signed-in user is sent on"),
    _web("logout", "POST", ok=302, anonymous=302, means="anyone"),
    _web("logout", "GET", ok=405, anonymous=405, means="POST only"),
    _web("complaint-list", scope=LISTED, obj="complaint", means="signed in; lists what they see"),
    _web(
        "intake",
        may=REGISTERING_ROLES,
        refused=302,
        means="registers complaints (not the administrator: sent to My work)",
    ),
    _web(
        "intake",
        "POST",
        may=REGISTERING_ROLES,
        ok=400,
        refused=302,
        body={},
        means="registers complaints; an empty form is refused with 400",
    ),
    *[
        _web(
            "intake-route",
            method,
            may=REGISTERING_ROLES,
            refused=404,
            means="registers complaints; where the complaint typed so far would go",
        )
        for method in ("GET", "POST")
    ],
    *[
        _web(
            "intake-duplicates",
            method,
            may=REGISTERING_ROLES,
            refused=404,
            means="registers complaints; other customers' complaints that may be the same matter",
        )
        for method in ("GET", "POST")
    ],
    *[
        _web(
            "intake-suggestions",
            method,
            may=REGISTERING_ROLES,
            refused=404,
            means="registers complaints; the triage suggestions for the text typed so far",
        )
        for method in ("GET", "POST")
    ],
    _web(
        "triage-acceptance",
        may=ACCEPTANCE_ROLES,
        refused=404,
        means="customer director, general manager, group, administrator; how often staff keep "
        "the triage suggestions, in their branch (the group and the administrator: every branch)",
    ),
    _web("complaint", scope=OBJECT, obj="complaint", means=SEES),
    _web("complaint-file", scope=OBJECT, obj="attachment", means=SEES),
    _web("complaint-file-download", scope=OBJECT, obj="attachment", means=SEES),
    _web("complaint-file-thumbnail", scope=OBJECT, obj="attachment", means=SEES),
    *_web_writes,
    *[_post_only(rule) for rule in _web_writes],
    _web(
        "customer",
        scope=OBJECT,
        obj="customer",
        means="signed in; customers of their branch (all for group, admin), contact data "
        "masked for roles that do not call customers",
    ),
    _web(
        "customer-edit",
        may=CUSTOMER_WRITERS,
        scope=OBJECT,
        obj="customer",
        decided_first="object",
        means="sees the customer and changes customers (not the administrator)",
    ),
    _web(
        "customer-edit",
        "POST",
        may=CUSTOMER_WRITERS,
        ok=400,
        scope=OBJECT,
        obj="customer",
        body={"name": ""},
        decided_first="object",
        means="sees the customer and changes customers (not the administrator)",
    ),
    _web(
        "customer-key-person-add",
        "POST",
        may=CUSTOMER_WRITERS,
        ok=400,
        scope=OBJECT,
        obj="customer",
        body={"name": ""},
        decided_first="object",
        means="sees the (corporate) customer and changes customers (not the administrator)",
    ),
    _post_only(_web("customer-key-person-add", "POST", scope=OBJECT, obj="customer", body={})),
    _web(
        "customer-lookup",
        scope=LISTED,
        obj="customer",
        query="phone={phone}",
        means="signed in; shows the customers of the user's branch (all for group, admin)",
    ),
    _web("inbox", means="signed in; the user's own items"),
    _web("inbox-count", means="signed in"),
    _web("inbox-settings", means="signed in; the user's own settings"),
    _web(
        "inbox-settings",
        "POST",
        ok=302,
        body={"kind": "new_complaint"},
        means="signed in; changes only the user's own settings",
    ),
    _web("print-form", scope=OBJECT, obj="complaint", means=SEES),
    _web("print-form-pdf", scope=OBJECT, obj="complaint", roles=PDF_ROLES, means=SEES),
    _web("print-notice", scope=OBJECT, obj="complaint", means=SEES),
    _web("print-notice-pdf", scope=OBJECT, obj="complaint", roles=PDF_ROLES, means=SEES),
    _web("print-closure", scope=OBJECT, obj="complaint", means=SEES),
    _web("print-closure-pdf", scope=OBJECT, obj="complaint", roles=PDF_ROLES, means=SEES),
    _web("print-department", scope=OBJECT, obj="complaint", means=SEES),
    _web("print-department-pdf", scope=OBJECT, obj="complaint", roles=PDF_ROLES, means=SEES),
    _web("print-register", scope=LISTED, obj="complaint", means="signed in; what they see"),
    _web("print-register-pdf", roles=PDF_ROLES, means="signed in; what they see"),
    _web("complaint-export", scope=LISTED, obj="complaint", means="signed in; what they see"),
    # ---- The Excel import of historical complaints ----------------------------------------------
    _web("import", may=IMPORT_ROLES, means=IMPORTS),
    _web(
        "import",
        "POST",
        may=IMPORT_ROLES,
        ok=400,
        body={},
        means=IMPORTS + "; a post without a file is refused with a message",
    ),
    _web("import-template", may=IMPORT_ROLES, means=IMPORTS),
    _web("import-job", scope=PERSONAL, obj="import_job", may=IMPORT_ROLES, means=OWN_IMPORT),
    _web("import-progress", scope=PERSONAL, obj="import_job", may=IMPORT_ROLES, means=OWN_IMPORT),
    _web("import-report", scope=PERSONAL, obj="import_job", may=IMPORT_ROLES, means=OWN_IMPORT),
    # ---- Callbacks ----------------------------------------------------------------------------
    _callbacks(
        "today",
        scope=LISTED,
        obj="task",
        query="scope=branch",
        means="works with callbacks; today's callbacks of their branch (all for group, admin; "
        "frontline: those planned for their role)",
    ),
    _callbacks(
        "task",
        scope=OBJECT,
        obj="task",
        means="works with callbacks and sees the task (frontline: one planned for their role)",
    ),
    *_callback_writes,
    *[_post_only(rule) for rule in _callback_writes],
    _callbacks("task-print", scope=OBJECT, obj="task", means=CALLBACK_RECORD),
    _callbacks("task-print-pdf", scope=OBJECT, obj="task", roles=PDF_ROLES, means=CALLBACK_RECORD),
    _callbacks("complaint-print", scope=OBJECT, obj="complaint", means=COMPLAINT_CALLBACKS),
    _callbacks(
        "complaint-print-pdf",
        scope=OBJECT,
        obj="complaint",
        roles=PDF_ROLES,
        means=COMPLAINT_CALLBACKS,
    ),
    _callbacks("dashboard", means="works with callbacks"),
    _callbacks(
        "draw",
        may=SUPERVISING_ROLES,
        refused={Role.CALLBACK: 404, Role.FRONTLINE: 404, "*": 403},
        scope=OBJECT,
        obj="draw",
        means="supervises callbacks and sees the draw (callback specialist, frontline see none: 404)",
    ),
    Rule(
        "callbacks:survey",
        obj="survey_token",
        anonymous=200,
        means="anyone with the signed link (the link is the key; any branch's)",
    ),
    Rule(
        "callbacks:survey",
        "POST",
        obj="survey_token",
        ok=400,
        anonymous=400,
        body={},
        means="anyone with the signed link; missing answers are refused with 400",
    ),
    # ---- The customer portal (kesu/portal): no login; the same for anyone, signed in or not --
    *_portal_rules(),
    Rule("set_language", "POST", ok=302, anonymous=302, body={"language": "en"}, means="anyone"),
    # ---- API: auth and reference --------------------------------------------------------------
    _api(
        "token",
        "POST",
        ok=400,
        anonymous=400,
        body={},
        means="anyone; missing credentials are refused with 400",
    ),
    _api("token", "DELETE", ok=204, means="signed in; revokes their own token"),
    _api("me", means="signed in"),
    _api("category-list", means="signed in; their organisation's"),
    _api("branch-list", means="signed in; their organisation's branches"),
    _api("department-list", means="signed in; their organisation's departments"),
    _api(
        "user-list",
        scope=LISTED,
        obj="colleague",
        means="signed in; colleagues of their branch and the organisation-wide roles",
    ),
    _api(
        "manufacturer-contact-list",
        scope=LISTED,
        obj="maker_contact",
        means="signed in; the manufacturer's contacts for their branch or every branch (all "
        "for group, admin)",
    ),
    # ---- API: complaints ----------------------------------------------------------------------
    _api(
        "triage",
        "POST",
        may=REGISTERING_ROLES,
        body={"title": "矩阵探测", "account": "矩阵探测"},
        means="registers complaints; the suggestions for the text (nothing is written)",
    ),
    _api("complaint-list", scope=LISTED, obj="complaint", means="signed in; lists what they see"),
    _api(
        "complaint-list",
        "POST",
        may=REGISTERING_ROLES,
        ok=201,
        body={
            "customer": "#customer.pk",
            "branch": "#customer.branch_id",  # group users name the branch
            "channel": "phone",
            "title": "矩阵探测",
            "account": "矩阵探测",
        },
        means="registers complaints; a valid complaint is registered (and rolled back)",
    ),
    _api("complaint-detail", scope=OBJECT, obj="complaint", means=SEES),
    _api(
        "complaint-detail",
        "PATCH",
        may=EDITING_ROLES,
        scope=OBJECT,
        obj="complaint",
        body={"title": "矩阵探测", "version": "#complaint.version"},
        decided_first="object",
        means=SEES + " and edits complaints (not group, admin); the edit is rolled back",
    ),
    _api("complaint-transitions", scope=OBJECT, obj="complaint", means=SEES),
    *[
        _api(
            f"complaint-transition-{name}",
            "POST",
            may=t.roles,
            ok=409,
            scope=OBJECT,
            obj="withdrawn",
            body=TRANSITION_PROBES[name],
            decided_first="object",
            means="sees the complaint and has a role of the move; on a withdrawn complaint "
            "the move is refused for its state (409)",
        )
        for name, t in TRANSITIONS.items()
    ],
    _api(
        "complaint-transition-unknown",
        "POST",
        ok=404,
        scope=OBJECT,
        obj="complaint",
        means="no such move: 404",
    ),
    _api("complaint-timeline", scope=OBJECT, obj="complaint", means=SEES),
    _api(
        "complaint-notes",
        "POST",
        ok=400,
        scope=OBJECT,
        obj="complaint",
        body={},
        means=SEES + "; an empty note is refused with 400",
    ),
    _api("complaint-attachments", scope=OBJECT, obj="complaint", means=SEES),
    _api(
        "complaint-attachments",
        "POST",
        ok=400,
        scope=OBJECT,
        obj="complaint",
        body={"description": "矩阵探测"},
        form=True,
        means=SEES + "; no file is refused with 400",
    ),
    _api("complaint-attachment-download", scope=OBJECT, obj="attachment", means=SEES),
    _api("complaint-manufacturer-exchanges", scope=OBJECT, obj="complaint", means=SEES),
    _api(
        "complaint-manufacturer-exchanges",
        "POST",
        may=MANUFACTURER_ROLES,
        ok=201,
        scope=OBJECT,
        obj="complaint",
        body={"contact": "#maker_contact.pk", "asked": "矩阵探测"},
        decided_first="object",
        means=SEES + " and may escalate (the roles of the escalate move); rolled back",
    ),
    _api(
        "complaint-manufacturer-answer",
        "POST",
        may=MANUFACTURER_ROLES,
        scope=OBJECT,
        obj="exchange",
        body={"answer": "矩阵探测"},
        decided_first="object",
        means=SEES + " and may escalate; the answer is rolled back",
    ),
    _api(
        "complaint-manufacturer-feedback",
        "POST",
        may=MANUFACTURER_ROLES,
        ok=201,
        scope=OBJECT,
        obj="complaint",
        body={"text": "矩阵探测"},
        decided_first="object",
        means=SEES + " and may escalate; the feedback is rolled back",
    ),
    _api("complaint-team", scope=OBJECT, obj="complaint", means=SEES),
    _api(
        "complaint-team",
        "POST",
        scope=OBJECT,
        obj="complaint",
        may=TEAM_MANAGERS,
        ok=400,
        body={},
        decided_first="object",
        means=SEES + " and owns it or leads the handling; an empty body is refused with 400",
    ),
    _api(
        "complaint-team-member",
        "DELETE",
        scope=OBJECT,
        obj="complaint",
        may=TEAM_MANAGERS,
        ok=404,
        decided_first="object",
        means=SEES + " and owns it or leads the handling; someone not on the team: 404",
    ),
    _api(
        "complaint-duplicates",
        may=REGISTERING_ROLES,
        query="phone={phone}",
        means="registers complaints; other customers' complaints in their scope that may be "
        "the same matter",
    ),
    # ---- API: customers -----------------------------------------------------------------------
    _api(
        "customer-list",
        scope=LISTED,
        obj="customer",
        query="phone={phone}",
        means="signed in; customers of their branch (all for group, admin)",
    ),
    _api(
        "customer-list",
        "POST",
        may=CUSTOMER_WRITERS,
        ok=201,
        body={"name": "矩阵新客户", "phone": "13912340000"},
        means="changes customers (not the administrator); the new customer is rolled back",
    ),
    _api("customer-detail", scope=OBJECT, obj="customer", means="sees the customer"),
    _api(
        "customer-detail",
        "PATCH",
        may=CUSTOMER_WRITERS,
        scope=OBJECT,
        obj="customer",
        body={"notes": "矩阵探测"},
        decided_first="object",
        means="sees the customer and changes customers; the edit is rolled back",
    ),
    _api("customer-purchases", scope=OBJECT, obj="customer", means="sees the customer"),
    _api(
        "customer-purchases",
        "POST",
        may=CUSTOMER_WRITERS,
        ok=201,
        scope=OBJECT,
        obj="customer",
        body={"kind": "vehicle", "product": "矩阵探测"},
        decided_first="object",
        means="sees the customer and changes customers; the purchase is rolled back",
    ),
    _api("customer-key-persons", scope=OBJECT, obj="customer", means="sees the customer"),
    _api(
        "customer-key-persons",
        "POST",
        may=CUSTOMER_WRITERS,
        ok=201,
        scope=OBJECT,
        obj="customer",
        body={"name": "矩阵联系人"},
        decided_first="object",
        means="sees the (corporate) customer and changes customers; rolled back",
    ),
    # ---- API: inbox ---------------------------------------------------------------------------
    _api("inbox-list", scope=LISTED, obj="notification", means="signed in; their own items"),
    _api("inbox-unread-count", means="signed in"),
    _api("inbox-read-all", "POST", means="signed in; marks their own items"),
    _api(
        "inbox-read",
        "POST",
        scope=PERSONAL,
        obj="notification",
        means="the item is the user's own",
    ),
    # ---- API: callbacks -----------------------------------------------------------------------
    _api(
        "callback-task-list",
        may=WORKSPACE_ROLES,
        scope=LISTED,
        obj="task",
        hidden_from=OWN_ROLE_ONLY_ROLES,
        means="works with callbacks; the tasks of their branch (all for group, admin; "
        "frontline: those planned for their role)",
    ),
    _api(
        "callback-task-detail",
        may=WORKSPACE_ROLES,
        scope=OBJECT,
        obj="task",
        hidden_from=OWN_ROLE_ONLY_ROLES,
        means="works with callbacks and sees the task (frontline: one planned for their role)",
    ),
    _api(
        "callback-task-outcome",
        "POST",
        may=RECORDING_ROLES,
        scope=OBJECT,
        obj="task",
        hidden_from=OWN_ROLE_ONLY_ROLES,
        body={"result": "no_answer"},
        means="records calls and sees the task; a not-reached attempt is recorded",
    ),
    _api("callback-measures", may=WORKSPACE_ROLES, means="works with callbacks"),
    # ---- The monthly analysis -----------------------------------------------------------------
    Rule("reports:index", may=REPORT_ROLES, ok=302, means=READS_REPORTS + "; sent to the month"),
    Rule("reports:monthly", may=REPORT_ROLES, means=READS_REPORTS),
    Rule(
        "reports:monthly-pdf",
        may=REPORT_ROLES,
        roles=(Role.GROUP, Role.FRONTLINE),
        means=READS_REPORTS + "; the page as a PDF",
    ),
    Rule(
        "reports:monthly-xlsx",
        may=REPORT_ROLES,
        means=READS_REPORTS + "; the page and the raw data as an Excel workbook",
    ),
    Rule(
        "reports:kept",
        may=REPORT_ROLES,
        scope=LISTED,
        obj="kept",
        hidden_from=KEPT_HIDDEN,
        means=KEEPS_REPORTS,
    ),
    Rule(
        "reports:kept-detail",
        may=REPORT_ROLES,
        scope=OBJECT,
        obj="kept",
        hidden_from=KEPT_HIDDEN,
        means=KEEPS_REPORTS,
    ),
    Rule(
        "reports:kept-pdf",
        may=REPORT_ROLES,
        scope=OBJECT,
        obj="kept",
        hidden_from=KEPT_HIDDEN,
        means=KEEPS_REPORTS + "; its PDF as mailed",
    ),
    Rule(
        "reports:kept-xlsx",
        may=REPORT_ROLES,
        scope=OBJECT,
        obj="kept",
        hidden_from=KEPT_HIDDEN,
        means=KEEPS_REPORTS + "; its workbook as kept",
    ),
    _api("report-monthly", may=REPORT_ROLES, means=READS_REPORTS),
    # ---- Improvement actions ------------------------------------------------------------------
    *_improvement_rules,
    # ---- Crises ---------------------------------------------------------------------------------
    *_crisis_rules,
    *_emerging_rules,
    *_webhook_rules,
    # ---- Lessons learned -----------------------------------------------------------------------
    Rule(
        "lessons:list",
        scope=LISTED,
        obj="lesson",
        shared=True,
        means="signed in; every branch's lessons (they hold nothing of the customer)",
    ),
    Rule("lessons:for-category", means="signed in; the lessons beside the intake's category"),
    *_lesson_writes,
    *[_post_only(rule) for rule in _lesson_writes],
    _api(
        "lesson-list",
        scope=LISTED,
        obj="lesson",
        shared=True,
        means="signed in; every branch's lessons (the complaint only where the user sees it)",
    ),
    # ---- Integrations: the call-centre pop-up and the endpoints for integrations' tokens ----
    Rule(
        "integrations:call-current",
        ok=204,
        means="signed in; the call ringing at the user's own extension (204: none)",
    ),
    *_call_dismissal,
    *[_post_only(rule) for rule in _call_dismissal],
    _api(
        "inbound-complaints",
        "POST",
        may=frozenset(),
        body={},
        means="an integration's token with the write scope and the inbound ability only "
        "(docs/integrations.md); staff are refused",
    ),
    _api(
        "telephony-calls",
        "POST",
        may=frozenset(),
        body={},
        means="an integration's token with the telephony ability only; staff are refused",
    ),
    # ---- API: its description and unknown paths ---------------------------------------------
    _api("not-found", ok=404, means="any unknown path under /api/v1/: a JSON 404"),
    _api(
        "missing-slash",
        ok=404,
        anonymous=404,
        means="any /api/ address without its trailing slash: a JSON 404 naming the address to use",
    ),
    Rule("schema", anonymous=200, roles=PDF_ROLES, means="anyone (the API's description)"),
    Rule("api-docs", anonymous=200, means="anyone"),
    Rule("api-redoc", anonymous=200, means="anyone"),
    # ---- Operations -----------------------------------------------------------------------------
    Rule("healthz", anonymous=200, means="anyone (load balancers and monitoring)"),
    Rule("readyz", anonymous=200, means="anyone (load balancers and monitoring)"),
    # Checked from the test client's loopback address, allowed by default; from elsewhere only
    # with the bearer token (kesu/core/tests/test_metrics.py).
    Rule(
        "metrics",
        anonymous=200,
        means="Prometheus: the loopback or KESU_METRICS_ALLOWED_ADDRESSES, or the bearer "
        "token KESU_METRICS_TOKEN; 403 from anywhere else, whoever is signed in",
    ),
    Rule("favicon", anonymous=200, means="anyone"),
]

# The django admin: one rule for the whole namespace, checked on a sample of its URLs (the index,
# each registered model's changelist and add page). Only staff (the administrator) get in.
ADMIN_NAMESPACE = "admin"
ADMIN_RULE = Rule(
    "admin:*",
    may=frozenset({Role.ADMIN}),
    refused=302,
    anonymous=302,
    means="staff only (the administrator); everyone else is sent to the admin's sign-in",
)

# Known defects: (rule key, role, scope) → why. Such cases are expected to fail (strictly: once
# fixed they fail as "passed unexpectedly" — delete the entry). None at present.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}


def rule_keys() -> set[str]:
    return {rule.key for rule in RULES}


# ---- docs/access.md -------------------------------------------------------------------------

DOC_HEADER = """# Who may do what

The access matrix of every page and API endpoint, generated from
`kesu/web/tests/access_matrix.py` (`access_table`); `kesu/web/tests/test_access_matrix.py`
checks each cell against the running application for every role, with an object of the user's
own branch and of the other branch and anonymously, and fails when this file differs from the
table, or when a URL or API operation has no rule.

A cell reads *own / other*: the status for an object of the user's own branch, then for one of
the other branch (one value when they are the same or the route takes no object). *listed* /
*not listed*: whether the object is in the list. 302 for a page is the sign-in page (or, for the
intake page, My work); 401 is the API's answer to an anonymous request. Writes are checked with
a probe body (see the *May* column): 400 means validation was reached, i.e. access was granted.
Group and administrator see both branches. Each transition is probed on a withdrawn complaint:
409 means the role may make the move (the state refuses it), 403 that it may not. Any method
an API path does not offer answers 405 (checked for every path of the schema).

In parentheses: declared, not requested (a slow rendering, such as a PDF, is requested as one
role; its HTML row checks every role).

Roles: frontline (前台), callback (回访专员), handler (处理经理), director (客户总监),
gm (总经理), group (集团客户中心), admin (管理员).
"""


def _cell(rule: Rule, role: str | None) -> str:
    if role is not None and role not in rule.roles:
        return f"({_checked_cell(rule, role)})"
    return _checked_cell(rule, role)


def _checked_cell(rule: Rule, role: str | None) -> str:
    if role is None:
        return str(rule.expect(None, ANON))
    own = rule.expect(role, OWN)
    if rule.scope == NONE:
        return str(own)
    other = rule.expect(role, OTHER)
    if own == other:
        return str(own)
    if own.listed is not None and other.listed is not None and own.status == other.status:
        return f"{own.status}: listed / not listed"
    return f"{own} / {other}"


def _path_of(rule: Rule) -> str:
    from kesu.web.tests.routes import route_paths

    if rule.route.startswith(f"{ADMIN_NAMESPACE}:"):
        return "/admin/…"
    path = route_paths().get(rule.route, "")
    if path.endswith(".*[^/]$"):  # a regex: any address that does not end with a slash
        return path[: -len(".*[^/]$")].replace("^", "") + "…(no trailing /)"
    return path.replace("^", "").replace("(?:.*/)?$", "…")


def access_table() -> str:
    roles = [Role(r) for r in ROLES]
    head = ["Route", "Method", "Path", *[r.value for r in roles], "anonymous", "May"]
    lines = [DOC_HEADER, "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rule in [*RULES, ADMIN_RULE]:
        cells = [
            f"`{rule.route}`",
            rule.method,
            f"`{_path_of(rule)}`",
            *[_cell(rule, r) for r in ROLES],
            _cell(rule, None),
            rule.means,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    known = sorted({(key, reason) for (key, _role, _scope), reason in KNOWN_FAILURES.items()})
    lines += ["", "## Known defects (expected to fail until fixed)", ""]
    lines += [f"- `{key}`: {reason}" for key, reason in known] or ["None."]
    return "\n".join(lines) + "\n"
