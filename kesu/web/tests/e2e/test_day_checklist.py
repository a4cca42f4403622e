"""Closing a case: the checklist says what is still missing, and the move waits for it."""

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.web.tests.e2e.test_procedure import do_move, open_complaint, tick


def test_close_is_refused_until_the_required_items_are_ticked(sign_in, demo):
    complaint = Complaint.objects.filter(state=State.INVESTIGATING).order_by("pk").first()
    # Setup shortcut: the callback found the customer satisfied.
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)

    director = sign_in("director")
    open_complaint(director, demo.url, complaint.pk)
    note = "#move-close .checklist-missing"
    assert "将结果告知客户" in director.text_content(note)
    assert "以下操作前必须完成" in director.inner_text("#checklist")

    do_move(director, "close", summary="已处理完毕")
    assert "请先勾选以下检查清单项" in director.inner_text(".messages")
    assert Complaint.objects.get(pk=complaint.pk).state == State.VERIFIED

    tick(director, "told_result")
    tick(director, "summary")
    assert director.is_hidden(note)  # the note follows the ticks without a reload
    assert director.input_value("#move-close [name=summary]") == "已处理完毕"
    with director.expect_navigation():
        director.click("#move-close button[type=submit]")
    assert Complaint.objects.get(pk=complaint.pk).state == State.CLOSED
