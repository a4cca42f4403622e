"""The shipped problem-area model (a file) and the organisations' own models (a table)."""

from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Organisation
from kesu.triage import classifier

SHIPPED_MODEL = Path(__file__).parent / "data" / "problem_areas.json.gz"


@cache
def shipped_model() -> classifier.Model:
    """Built from the development data by ``manage.py train_triage`` (docs/triage.md)."""
    return classifier.load(SHIPPED_MODEL)


class TrainedModel(models.Model):
    """One field's classifier, trained from one organisation's closed complaints."""

    class Field(models.TextChoices):
        CATEGORY = "category", _("category")
        CAUSE = "cause", _("cause class")
        DEPARTMENT = "department", _("handling department")
        DEMAND = "demand", _("demand")
        UPSET_LEVEL = "upset_level", _("how upset (1–5)")
        PERSONALITY_TYPE = "personality_type", _("customer personality type")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="triage_models",
        verbose_name=_("organisation"),
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    weights = models.BinaryField(_("weights (gzipped JSON)"), editable=False)
    examples = models.PositiveIntegerField(_("complaints trained on"), default=0)
    accuracy = models.FloatField(_("held-out accuracy"), null=True, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    trained_at = models.DateTimeField(_("trained at"))

    class Meta:
        verbose_name = _("trained triage model")
        verbose_name_plural = _("trained triage models")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "field"], name="triage_model_org_field_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.get_field_display()}"


# (organisation id) → ({field: trained_at}, {field: model}): loaded once per process, reloaded
# when a field's trained_at changes (one small query per request finds out).
_loaded: dict[int, tuple[dict[str, object], dict[str, classifier.Model]]] = {}


def organisation_models(organisation_id: int) -> dict[str, classifier.Model]:
    """The organisation's trained models by field; only its own, never another's."""
    stamps = dict(
        TrainedModel.objects.filter(organisation_id=organisation_id).values_list(
            "field", "trained_at"
        )
    )
    cached = _loaded.get(organisation_id)
    if cached is not None and cached[0] == stamps:
        return cached[1]
    loaded = {}
    for field, blob in TrainedModel.objects.filter(organisation_id=organisation_id).values_list(
        "field", "weights"
    ):
        loaded[field] = classifier.from_bytes(bytes(blob))
    _loaded[organisation_id] = (stamps, loaded)
    return loaded


# The shipped model's problem areas: the code letters of the 12365auto lists (docs/triage.md).
PROBLEM_AREA_LABELS = {
    "A": _("Engine"),
    "B": _("Transmission"),
    "C": _("Clutch"),
    "D": _("Steering"),
    "E": _("Brakes"),
    "F": _("Tyres"),
    "G": _("Axles and suspension"),
    "H": _("Body, fittings and electrics"),
    "I": _("Service manner"),
    "J": _("Staff competence"),
    "K": _("Charges"),
    "L": _("Promises not kept"),
    "M": _("Sales misrepresentation"),
    "N": _("Parts"),
    "O": _("Process"),
    "Q": _("Other"),
}
