"""Forms of the alerts for new events: the filters (as the event list has them) and how often, plus the address
and the public-form checks on the sign-up."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groundwork.antispam import SpamProtectedFormMixin
from groundwork.widgets import CheckboxList, Select
from partners.models import AccessFact, Audience, Organisation

from .filters import ALL_LANGUAGES, CityFilter, LibraryFilter
from .models import Event, EventAlert


class AlertFiltersForm(forms.Form):
    """The filters of an alert; choices of city and library are those of the event list (cached, no query)."""

    # Labels of required fields get this class, which the stylesheet marks with an asterisk.
    required_css_class = "required"

    event_language = forms.ChoiceField(label=_("Language of the event"), required=False, widget=Select)
    city = forms.ChoiceField(label=_("City"), required=False, widget=Select)
    library = forms.ChoiceField(label=_("Library or organisation"), required=False, widget=Select)
    kind = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("All kinds")), *Event.Kind.choices], widget=Select
    )
    audience = forms.ChoiceField(
        label=_("For whom"), required=False, choices=[("", _("Everyone")), *Audience.choices], widget=Select
    )
    access = forms.MultipleChoiceField(
        label=_("Accessibility and practical facts"),
        required=False,
        choices=AccessFact.choices,
        widget=CheckboxList,
        help_text=_("Only events with every fact you tick."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=EventAlert.Frequency.choices,
        initial=EventAlert.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        help_text=_("The weekly summary comes on Monday morning, Latvian time."),
    )

    def __init__(self, *args, alert=None, **kwargs):
        super().__init__(*args, **kwargs)
        cities = CityFilter._cities()
        libraries = [(slug, name) for slug, _pk, name in LibraryFilter._libraries()]
        # An alert keeps its city or library when no public event names it any more.
        if alert is not None and alert.city and alert.city not in dict(cities):
            cities = [*cities, (alert.city, alert.city)]
        if alert is not None and alert.library_id and alert.library.slug not in dict(libraries):
            libraries = [*libraries, (alert.library.slug, str(alert.library))]
        self.alert = alert
        self.fields["event_language"].choices = [("", _("All languages")), *settings.DELIVERY_LANGUAGES]
        self.fields["city"].choices = [("", _("All cities")), *cities]
        self.fields["library"].choices = [("", _("All libraries and organisations")), *libraries]

    def clean_library(self):
        slug = self.cleaned_data["library"]
        if not slug:
            return None
        if self.alert is not None and self.alert.library_id and self.alert.library.slug == slug:
            return self.alert.library
        organisation_id = next((pk for value, pk, _name in LibraryFilter._libraries() if value == slug), None)
        library = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
        if library is None:
            raise forms.ValidationError(_("Choose a library or organisation from the list."))
        return library

    def filters(self):
        """The cleaned filters, as the services take them."""
        data = self.cleaned_data
        return {name: data[name] for name in ("event_language", "city", "library", "kind", "audience", "access")}

    @staticmethod
    def initial_from_list(query):
        """The event list's query string as initial values: what the visitor filtered becomes the alert. Without a
        language the list shows the interface language, so the alert starts with it too; values the form does not
        offer are left out."""
        language = query.get("language", get_language() or "")
        initial = {"event_language": "" if language == ALL_LANGUAGES else language}
        for name in ("city", "library", "kind", "audience"):
            if query.get(name):
                initial[name] = query[name]
        access = [code for code in query.getlist("access") if code in AccessFact.values]
        if access:
            initial["access"] = access
        return initial

    @staticmethod
    def initial_from_alert(alert):
        return {
            "event_language": alert.event_language,
            "city": alert.city,
            "library": alert.library.slug if alert.library_id else "",
            "kind": alert.kind,
            "audience": alert.audience,
            "access": alert.access,
            "frequency": alert.frequency,
        }


class AlertSignUpForm(SpamProtectedFormMixin, AlertFiltersForm):
    """The public sign-up: the address, the filters and how often, with the checks of every public form."""

    rate_limit = 5
    rate_limit_period = 60 * 60
    rate_limit_scope = "event-alert"
    # People look at the list and sign up later the same day.
    max_seconds = 24 * 60 * 60

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send a link to this address; the alerts start only once you have opened it."),
    )
    field_order = ("email", "event_language", "city", "library", "kind", "audience", "access", "frequency")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")
