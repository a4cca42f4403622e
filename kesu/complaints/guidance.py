"""Staff guidance (DOMAIN §6): how to handle each type of customer, and calming techniques.

Written for Kesu; shown next to a complaint, filtered by the customer's judged type.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kesu.customers.choices import PersonalityType as P


@dataclass(frozen=True)
class Advice:
    signs: str
    approach: str
    avoid: str


ADVICE = {
    P.IMPATIENT: Advice(
        _("In a hurry, sees things only from their side, does not want to wait."),
        _("Stay calm and visibly act at once; give a concrete next step and a time."),
        _("Curt answers, leaving them waiting without news."),
    ),
    P.METICULOUS: Advice(
        _("Checks every detail and every figure; hard to convince."),
        _("Listen closely, answer precisely, put prices and dates in writing."),
        _("Half-answers, vague generosity, changing the subject."),
    ),
    P.OPINIONATED: Advice(
        _("Sure they are right, likes to argue, short on patience."),
        _("Let them finish, then reason with facts and documents."),
        _("Arguing back without evidence, losing your temper."),
    ),
    P.TALKATIVE: Advice(
        _("Talks at length and drifts from topic to topic; moods change quickly."),
        _("Steer the conversation back to the problem politely; summarise often."),
        _("Following every digression; cutting them off bluntly."),
    ),
    P.SHOWING_OFF: Advice(
        _("Wants to be seen as knowledgeable or important."),
        _("Acknowledge what they know; treat them normally and respectfully."),
        _("Belittling them, or flattering them too much."),
    ),
    P.SUPERIOR: Advice(
        _("Acts above others and keeps a distance."),
        _("Keep a respectful distance, choose words carefully, neither humble nor proud."),
        _("Ignoring them, or being servile."),
    ),
    P.SUSPICIOUS: Advice(
        _("Doubts what they are told: “Really? Are you sure?”"),
        _("Be sincere and brief; show evidence; build trust step by step."),
        _("Uncertain or contradictory answers."),
    ),
    P.HABITUAL: Advice(
        _("Under strain, rarely satisfied, complains about many things."),
        _("Be patient and lively; explain what will happen and why."),
        _("Showing irritation, telling them how hard your job is."),
    ),
    P.FAULT_FINDING: Advice(
        _("Demanding, quick to anger, hard to satisfy."),
        _("Stay positive, explain reasonably, recognise what is valid in the complaint."),
        _("Ignoring them, giving in to everything, looking unsure."),
    ),
    P.UNREASONABLE: Advice(
        _("Aggressive manner, may refuse to cooperate."),
        _("Stay polite and fair, take the issue seriously, give ground only where it is right."),
        _("Confrontation; endless concessions; pointing out their mistakes."),
    ),
    P.ELOQUENT: Advice(
        _("Shrewd, words with hidden meanings, negotiates well."),
        _("Find out what they really want; keep to the key points."),
        _("Believing everything, or believing nothing."),
    ),
    P.NERVOUS: Advice(
        _("Anxious and unsure, worried about safety or cost."),
        _("Reassure with clear facts, explain each step, check they understood."),
        _("Technical jargon, rushing them."),
    ),
    P.IMPULSIVE: Advice(
        _("Reacts strongly and quickly on the phone."),
        _("Let the feeling pass; do not argue; come back to the facts calmly."),
        _("Matching their tone, pushing for an answer at once."),
    ),
    P.INDECISIVE: Advice(
        _("Cannot make up their mind about the offer."),
        _("Give a clear recommendation and a simple choice between two options."),
        _("Piling up options, pressuring them."),
    ),
    P.WANTS_TO_BE_HEARD: Advice(
        _("Mainly needs someone to listen."),
        _("Listen fully, summarise what you heard, thank them for telling you."),
        _("Interrupting, jumping to solutions too soon."),
    ),
}

TECHNIQUES = [
    (
        _("Empathy"),
        _("Say what you understand of the customer's situation and feelings before anything else."),
    ),
    (
        _("Seek understanding"),
        _(
            "Explain honestly what can and cannot be done, and why, and ask for their understanding."
        ),
    ),
    (
        _("Feel – felt – found"),
        _(
            "“I understand how you feel; other customers felt the same; they found that …” — it shows they are not alone and a way forward exists."
        ),
    ),
    (
        _("Guided inquiry"),
        _(
            "Ask what would put things right for them; a customer who names the remedy accepts it more readily."
        ),
    ),
]


def guidance_for(personality_type: str) -> Advice | None:
    return ADVICE.get(personality_type)
