"""What the staff workspace keeps for its users: their saved list views."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# Parameters that belong to one visit of the list, not to a view worth saving.
TRANSIENT_PARAMS = frozenset({"before", "csrfmiddlewaretoken", "name"})
MAX_QUERY_LENGTH = 2000
MAX_VIEWS_PER_USER = 50


class SavedView(models.Model):
    """A named query string of the complaint list, private to the user who saved it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=MAX_QUERY_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # The table it had in kesu.web, where the model was first.
        db_table = "web_savedview"
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


def clean_list_query(query: str) -> str:
    """The list's query string without empty values and paging, re-encoded."""
    given = QueryDict(query or "")
    kept = QueryDict(mutable=True)
    for key, values in given.lists():
        if key in TRANSIENT_PARAMS:
            continue
        for value in values:
            if value.strip():
                kept.appendlist(key, value.strip())
    return kept.urlencode()


def saved_views_of(user) -> models.QuerySet[SavedView]:
    return SavedView.objects.filter(user_id=user.pk).order_by("name")


def saved_view_save(*, user, name: str, query: str) -> tuple[SavedView, bool]:
    """Save the list's current filters under a name; the same name again replaces the filters."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > 60:
        raise ValidationError({"name": _("Keep the name under 60 characters.")})
    query = clean_list_query(query)
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError({"query": _("These filters are too long to save.")})
    existing = saved_views_of(user).filter(name=name).first()
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing, False
    if saved_views_of(user).count() >= MAX_VIEWS_PER_USER:
        raise ValidationError(
            {"name": _("You have %(n)s saved views; delete one first.") % {"n": MAX_VIEWS_PER_USER}}
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, name=name, query=query), True
    except IntegrityError:
        # Saved twice at once (a double click): the other request created it; update that one.
        saved_views_of(user).filter(name=name).update(query=query)
        return saved_views_of(user).get(name=name), False


def saved_view_delete(*, user, view_id: int) -> bool:
    """Delete one of the user's own views; someone else's view is never touched."""
    deleted, _ = saved_views_of(user).filter(pk=view_id).delete()
    return bool(deleted)
