import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

from groundwork.validators import PlausibleDateValidator
from partners import roles
from partners.models import Organisation

from .models import Report


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def report_organisations(user):
    """The organisations a staff member may report on: a coordinator any library or organiser of events, a
    librarian her own organisations only."""
    if roles.is_coordinator(user):
        return Organisation.objects.filter(Q(kind=Organisation.Kind.PARTNER_LIBRARY) | Q(pk__in=_organisers()))
    return Organisation.objects.filter(pk__in=roles.organisation_ids(user))


def _organisers():
    from activities.models import Event

    return Event.objects.values("organiser")


class ReportRequestForm(forms.ModelForm):
    """A report's period, scope and format. A librarian reports on her own libraries only, so she must pick
    among them; a coordinator may leave libraries and countries empty for the whole project."""

    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every country."),
    )

    class Meta:
        model = Report
        fields = ("period_from", "period_to", "countries", "libraries", "format", "language")
        widgets = {
            "period_from": DateInput(),
            "period_to": DateInput(),
            "libraries": forms.CheckboxSelectMultiple,
            "format": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs):
        today = timezone.localdate()
        # A CreateView always passes an initial dict (empty by default): the defaults go under what it holds.
        kwargs["initial"] = {
            "period_from": today.replace(month=1, day=1),
            "period_to": today,
            "language": get_language() or settings.LANGUAGE_CODE,
            "format": Report.Format.XLSX,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.user = user
        self.is_coordinator = roles.is_coordinator(user)
        organisations = report_organisations(user).order_by("name", "pk")
        libraries = self.fields["libraries"]
        libraries.queryset = organisations
        libraries.label = _("Libraries")
        if self.is_coordinator:
            used = organisations.exclude(country="").values_list("country", flat=True).distinct()
            self.fields["countries"].choices = sorted(
                ((code, country_names.name(code)) for code in set(used)), key=lambda choice: str(choice[1])
            )
        else:
            # Her report covers her own libraries: the country follows from them.
            del self.fields["countries"]
            libraries.required = True
            libraries.help_text = _("The libraries you work for.")
            if organisations.count() == 1:
                libraries.initial = list(organisations)
        self.fields["format"].choices = Report.Format.choices
        self.fields["language"].help_text = _("Labels of the report are written in this language.")

    @classmethod
    def again(cls, report, *, user):
        """The form filled in with `report`'s period, scope, format and language, as `user` would send it: her
        choice of libraries is checked again, since her memberships may have changed since."""
        data = {
            "period_from": report.period_from.isoformat(),
            "period_to": report.period_to.isoformat(),
            "countries": [str(code) for code in report.countries],
            "libraries": [library.pk for library in report.libraries.all()],
            "format": report.format,
            "language": report.language,
        }
        return cls(data=data, user=user)

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("period_from"), cleaned_data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period is before its start."))
        return cleaned_data

    def request(self):
        from . import services

        data = self.cleaned_data
        return services.report_request(
            requested_by=self.user,
            period_from=data["period_from"],
            period_to=data["period_to"],
            countries=data.get("countries") or [],
            libraries=data["libraries"],
            format=data["format"],
            language=data["language"],
        )


class ReportFilter(django_filters.FilterSet):
    """Filters of the report history."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Report.Status.choices, empty_label=_("Any"))
    format = django_filters.ChoiceFilter(label=_("Format"), choices=Report.Format.choices, empty_label=_("Any"))
    requested_by = django_filters.ModelChoiceFilter(
        label=_("Requested by"),
        queryset=get_user_model().objects.filter(reports__isnull=False).distinct().order_by("username"),
        empty_label=_("Anyone"),
    )
    requested_from = django_filters.DateFilter(
        label=_("Requested on or after"),
        field_name="requested_at",
        lookup_expr="date__gte",
        widget=DateInput(),
        validators=[PlausibleDateValidator()],
    )
    requested_until = django_filters.DateFilter(
        label=_("Requested on or before"),
        field_name="requested_at",
        lookup_expr="date__lte",
        widget=DateInput(),
        validators=[PlausibleDateValidator()],
    )

    class Meta:
        model = Report
        fields = ("status", "format", "requested_by", "requested_from", "requested_until")
