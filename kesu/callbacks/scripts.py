"""Short script prompts for each type of callback, shown next to the outcome form.

Written for Kesu from the callback practice DOMAIN §5 and §6 describe: greet and thank, say who
is calling and why, ask, listen, record, close with good wishes.
"""

from django.utils.translation import gettext_lazy as _

from kesu.callbacks.choices import CallbackType as T

OPENING = _(
    "Greet the customer by name, say your name and that you are calling from the branch, and "
    "ask whether now is a good moment."
)
CLOSING = _("Thank them for their time and close with good wishes.")

SCRIPTS = {
    T.WELCOME: [
        _("Thank them for the order and introduce yourself as their contact from now on."),
        _("Tell them what you can help with: questions on use, repairs, follow-up calls."),
        _("Ask whether anything about the order is unclear."),
    ],
    T.DELIVERY: [
        _("Ask how the vehicle has been since delivery and whether anything is unclear."),
        _("Ask how satisfied they were with the sale and the handover."),
        _("Remind them of the first service and how to book it."),
    ],
    T.SERVICE: [
        _("Ask whether the work done at the visit solved the problem."),
        _("Ask about the waiting time, the explanation of the charges and the staff."),
        _("Note any part or repair that still needs attention."),
    ],
    T.SATISFACTION: [
        _("Remind them of the complaint and the solution that was carried out."),
        _("Ask whether the result satisfies them; if not, ask what is still wrong."),
        _("A dissatisfied answer reopens the case and it goes to the general manager."),
    ],
    T.FOLLOW_UP: [
        _("Ask whether the problem has stayed solved since the case was closed."),
        _("Ask how the handling felt to them and what we could do better."),
    ],
    T.QUESTIONNAIRE: [
        _("Explain that the questions take two minutes and help improve the service."),
        _("Read each question as written; note the answers without steering them."),
    ],
    T.GREETING: [
        _("Give the greeting warmly and briefly; this call sells nothing."),
        _("Ask whether there is anything we can do for them."),
    ],
    T.SAMPLING: [
        _("Explain that you are checking the quality of our service on a few customers."),
        _("Ask whether the earlier callback took place and how they were treated."),
        _("Ask whether their problem or question was fully solved."),
    ],
    T.LOYALTY: [
        _("Thank them for being our customer and ask how things are going."),
        _("Ask what they expect from us and whether their suggestions were acted on."),
        _("Note ideas and needs; promise only what you can arrange."),
    ],
}


def script_for(callback_type: str) -> dict:
    return {"opening": OPENING, "points": SCRIPTS.get(callback_type, []), "closing": CLOSING}
