"""Query filters of the lists. Every filter narrows a queryset already scoped by a selector."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from kesu.complaints.choices import (
    CauseClass,
    Channel,
    EscalationLevel,
    Kind,
    Satisfaction,
    Severity,
    State,
)
from kesu.complaints.models import Category, Complaint
from kesu.complaints.search import reference_forms
from kesu.complaints.selectors import (
    DUE_SOON,
    OVERDUE_STATES,
    branches_in_view,
    complaints_at_risk,
    complaints_overdue,
)
from kesu.core.api.fields import MAX_ID
from kesu.core.api.filters import StrictBooleanFilter
from kesu.core.phones import try_normalise_phone
from kesu.customers.models import Customer
from kesu.organisation.choices import Role
from kesu.organisation.models import Department, User


class CommaMultipleChoiceField(forms.MultipleChoiceField):
    """Accepts `?state=a&state=b` and `?state=a,b` alike."""

    def to_python(self, value):
        values = super().to_python(value)
        return [part.strip() for item in values for part in item.split(",") if part.strip()]


class MultiChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = CommaMultipleChoiceField

    def __init__(self, *args, **kwargs):
        # A choice on the complaint's own column never duplicates rows; SELECT DISTINCT over a
        # million-row table would sort every match before the first page comes back.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An object id; out of range is a 400, never a database overflow."""

    field_class = IdField


class DateOrDateTimeField(forms.Field):
    """2026-03-01 or 2026-03-01T08:30 (+08:00 optional): a date means the whole local day."""

    default_error_messages = {
        "invalid": _("Give a date (2026-03-01) or a date and time (2026-03-01T08:30:00+08:00)."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        moment = None
        try:
            # A bare date first: parse_datetime would read it as midnight.
            day = parse_date(text)
            if day is None:
                moment = parse_datetime(text)
                day = moment.date() if moment is not None else None
        except ValueError:
            day = None
        # Bounded so that neither the day after nor the conversion to UTC can overflow.
        if day is None or not 1900 <= day.year <= 2999:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if moment is None:
            return day
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
        r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
        r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?$",
        "example": "2026-03-01T08:30:00+08:00",
    }
)
class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField

    def __init__(self, *args, upper: bool = False, **kwargs):
        self.upper = upper
        super().__init__(*args, **kwargs)

    def bound(self, value) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value
        day = value + timedelta(days=1) if self.upper else value
        return timezone.make_aware(datetime.combine(day, time.min))

    def filter(self, qs, value):
        bound = self.bound(value)
        if bound is None:
            return qs
        lookup = "lt" if self.upper else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": bound})


# Periods up to this long get id bounds (see ComplaintFilter.filter_queryset).
BOUNDED_PERIOD = timedelta(days=92)


NOT_YOUR_BRANCH = _("You may not see that branch.")


class ComplaintFilterForm(forms.Form):
    """The filters' form: a branch out of the user's view is an error, not an empty list
    (which would read as a false zero)."""

    user = None  # set by ComplaintFilter.form

    def clean_branch(self):
        value = self.cleaned_data.get("branch")
        if value is None or self.user is None:
            return value
        if not branches_in_view(self.user).filter(pk=value).exists():
            raise forms.ValidationError(NOT_YOUR_BRANCH, code="branch_out_of_view")
        return value


class ComplaintFilter(django_filters.FilterSet):
    state = MultiChoiceFilter(choices=State.choices, help_text=_("One or more states."))
    severity = MultiChoiceFilter(choices=Severity.choices)
    kind = MultiChoiceFilter(choices=Kind.choices)
    channel = MultiChoiceFilter(choices=Channel.choices)
    cause = MultiChoiceFilter(choices=CauseClass.choices)
    escalation_level = MultiChoiceFilter(choices=EscalationLevel.choices)
    category = IdFilter(
        method="filter_category", help_text=_("A category and everything under it.")
    )
    branch = IdFilter(field_name="branch_id")
    department = IdFilter(field_name="department_id")
    owner = IdFilter(field_name="owner_id")
    customer = IdFilter(field_name="customer_id")
    is_crisis = StrictBooleanFilter()
    number = django_filters.CharFilter(field_name="number", max_length=24)
    third_party_reference = django_filters.CharFilter(
        method="filter_third_party_reference",
        max_length=100,
        help_text=_("The forwarding third party's reference (a 12315 work order, a case number)."),
    )
    received_after = DateOrDateTimeFilter(
        field_name="received_at", help_text=_("From this date or moment on.")
    )
    received_before = DateOrDateTimeFilter(
        field_name="received_at",
        upper=True,
        help_text=_("Before this moment; a date includes that whole day."),
    )
    customer_phone = django_filters.CharFilter(
        method="filter_customer_phone",
        max_length=40,
        help_text=_("The customer's phone as typed, e.g. 138 1234 5678."),
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue", help_text=_("Past the resolution deadline and still open.")
    )
    at_risk = StrictBooleanFilter(
        method="filter_at_risk",
        help_text=_("Not overdue yet, but due within the next 24 hours."),
    )
    product = django_filters.CharFilter(
        field_name="purchase__product",
        max_length=200,
        help_text=_("The product or model of the purchase the complaint is about, exactly."),
    )
    reopened = StrictBooleanFilter(
        method="filter_reopened", help_text=_("Reopened at least once by an unsatisfied customer.")
    )
    satisfaction = MultiChoiceFilter(
        choices=Satisfaction.choices, help_text=_("The satisfaction the callback recorded.")
    )
    merged = StrictBooleanFilter(
        method="filter_merged",
        help_text=_(
            "Merged into another complaint as its duplicate; false leaves them out, as the "
            "report counts."
        ),
    )

    class Meta:
        model = Complaint
        fields = []
        form = ComplaintFilterForm

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.user = getattr(self.request, "user", None)
        return self._form

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        after = self.filters["received_after"].bound(data.get("received_after"))
        before = self.filters["received_before"].bound(data.get("received_before"))
        if after is None or before is None or before - after > BOUNDED_PERIOD:
            # Open or long periods hold many recent ids: the newest-first walk finds them soon.
            return qs
        # Lists run newest first by id. Left alone, PostgreSQL walks the id index back through
        # every newer complaint to reach an old period; the period's lowest and highest ids (one
        # covering-index lookup) let it start and stop at the right place. The bounds come
        # from the whole organisation, so they never leave out a complaint of the user's scope.
        period = Complaint.objects.filter(
            organisation_id=getattr(self.request.user, "organisation_id", None)
        )
        if after is not None:
            period = period.filter(received_at__gte=after)
        if before is not None:
            period = period.filter(received_at__lt=before)
        # "+ 0": MIN(id) alone is planned as a walk of the id index, the very thing to avoid.
        bounds = period.aggregate(low=Min(F("id") + 0), high=Max(F("id") + 0))
        if bounds["low"] is None:
            return qs.none()
        return qs.filter(id__gte=bounds["low"], id__lte=bounds["high"])

    def filter_category(self, qs, name, value):
        organisation_id = getattr(self.request.user, "organisation_id", None)
        found = (
            Category.objects.filter(organisation_id=organisation_id, pk=value)
            .annotate(has_children=Exists(Category.objects.filter(parent_id=OuterRef("pk"))))
            .values_list("path", "has_children")
            .first()
        )
        if found is None:
            return qs.none()
        path, has_children = found
        if not has_children:
            # A leaf: equality lets the (category, id) index return the newest first directly.
            return qs.filter(category_id=value)
        subtree = Category.objects.filter(organisation_id=organisation_id).filter(
            Q(path=path) | Q(path__startswith=f"{path}/")
        )
        return qs.filter(category__in=subtree)

    def filter_merged(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(state=State.MERGED) if value else qs.exclude(state=State.MERGED)

    def filter_reopened(self, qs, name, value):
        return qs.filter(reopen_count__gt=0) if value else qs.filter(reopen_count=0)

    def filter_third_party_reference(self, qs, name, value):
        # As typed, in capitals or in small letters: the (organisation, reference) index.
        organisation_id = getattr(self.request.user, "organisation_id", None)
        return qs.filter(
            organisation_id=organisation_id, third_party_reference__in=reference_forms(value)
        )

    def filter_customer_phone(self, qs, name, value):
        normalised = try_normalise_phone(value)
        if normalised is None:
            return qs.none()
        # With the organisation the (organisation, phone) index finds the customer at once.
        organisation_id = getattr(self.request.user, "organisation_id", None)
        return qs.filter(customer__organisation_id=organisation_id, customer__phone=normalised)

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        if value:
            return complaints_overdue(qs)
        return qs.exclude(due_at__lt=timezone.now(), state__in=OVERDUE_STATES)

    def filter_at_risk(self, qs, name, value):
        if value is None:
            return qs
        if value:
            return complaints_at_risk(qs)
        now = timezone.now()
        return qs.exclude(due_at__gte=now, due_at__lt=now + DUE_SOON, state__in=OVERDUE_STATES)


class CustomerFilter(django_filters.FilterSet):
    phone = django_filters.CharFilter(
        method="filter_phone",
        max_length=40,
        help_text=_("Exact lookup by phone as typed, e.g. 138 1234 5678 or +86 138 1234 5678."),
    )
    q = django_filters.CharFilter(
        method="filter_name_prefix", max_length=100, help_text=_("Name starts with.")
    )
    is_company = StrictBooleanFilter()

    class Meta:
        model = Customer
        fields = []

    def filter_phone(self, qs, name, value):
        # The view's queryset is already the customers the user may see: one probe of the
        # organisation+phone index on top of it (an unparseable number finds nobody).
        normalised = try_normalise_phone(value)
        return qs.filter(phone=normalised) if normalised else qs.none()

    def filter_name_prefix(self, qs, name, value):
        return qs.filter(name__startswith=value.strip())


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, help_text=_("Username or name starts with.")
    )
    role = MultiChoiceFilter(choices=Role.choices)
    branch = IdFilter(field_name="branch_id")
    department = IdFilter(field_name="department_id")

    class Meta:
        model = User
        fields = []

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(username__startswith=value)
            | Q(display_name__startswith=value)
            | Q(display_name__contains=f" {value}")
        )


class DepartmentFilter(django_filters.FilterSet):
    branch = IdFilter(field_name="branch_id")

    class Meta:
        model = Department
        fields = []
