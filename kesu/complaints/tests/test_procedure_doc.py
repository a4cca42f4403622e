"""The procedure table of docs/procedure.md, generated from workflow.TRANSITIONS."""

from kesu.complaints.choices import State
from kesu.complaints.procedure_doc import procedure_table
from kesu.complaints.workflow import TRANSITIONS


def test_the_documented_table_is_the_enforced_one():
    from pathlib import Path

    from kesu.complaints.procedure_doc import procedure_table

    doc = (Path(__file__).resolve().parents[3] / "docs" / "procedure.md").read_text(
        encoding="utf-8"
    )
    assert procedure_table() in doc


def test_one_row_per_move_under_a_markdown_header():
    lines = procedure_table().splitlines()
    assert lines[:2] == ["| move | from | to | roles |", "|---|---|---|---|"]
    assert len(lines) == 2 + len(TRANSITIONS)
    assert [line.split("|")[1].strip() for line in lines[2:]] == [
        f"`{name}`" for name in TRANSITIONS
    ]
    assert procedure_table().endswith("\n")


def test_each_row_lists_sources_in_state_order_the_target_and_sorted_roles():
    rows = {line.split("|")[1].strip(" `"): line for line in procedure_table().splitlines()[2:]}
    order = list(State.values)
    for t in TRANSITIONS.values():
        _, _name, sources, target, roles, _ = rows[t.name].split("|")
        listed = [s.strip() for s in sources.split(",")]
        assert set(listed) == set(t.sources)
        assert listed == sorted(listed, key=order.index)
        assert target.strip() == (t.target or "(unchanged)")
        assert [r.strip() for r in roles.split(",")] == sorted(t.roles)
