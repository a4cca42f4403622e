"""The procedure table as Markdown, so docs/procedure.md is generated from the code it describes."""

from kesu.complaints.choices import State
from kesu.complaints.workflow import TRANSITIONS

STATE_ORDER = list(State.values)


def procedure_table() -> str:
    lines = [
        "| move | from | to | roles |",
        "|---|---|---|---|",
    ]
    for t in TRANSITIONS.values():
        sources = ", ".join(s for s in STATE_ORDER if s in t.sources)
        roles = ", ".join(sorted(t.roles))
        lines.append(f"| `{t.name}` | {sources} | {t.target or '(unchanged)'} | {roles} |")
    return "\n".join(lines) + "\n"
