import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

from courses.models import CoursePage, Theme
from people.bounds import EARLIEST_DATE, LATEST_DATE, BoundedDateField
from people.forms import day_of, offer_members
from people.models import MEMBER_GROUPS, Organisation, User

from .applicability import GROUP_CHOICES, normalised
from .certificates import normalised_code
from .models import QualificationSource, QualificationType, ShiftRole


class ScopedOrganisationForm(WagtailAdminModelForm):
    """Sets the organisation from the editor (a superuser picks it) and scopes the choices."""

    scoped_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        organisations = Organisation.objects.for_user(user)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = organisations
        for name, model in self.scoped_fields.items():
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(organisation__in=organisations)

    def clean(self):
        cleaned = super().clean()
        user = self.for_user
        if user is not None and not user.is_superuser:
            self.instance.organisation_id = user.organisation_id
        elif cleaned.get("organisation") is not None:
            self.instance.organisation = cleaned["organisation"]
        return cleaned


class QualificationTypeForm(ScopedOrganisationForm):
    scoped_fields = {"granted_by_course": CoursePage}

    #: The member groups a shift role requires the type of, ticked; none: all groups.
    applies_to = forms.MultipleChoiceField(
        label=_("Applies to"),
        choices=GROUP_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The member groups a shift role requires it of, e.g. staff only. None ticked: all groups."
        ),
    )

    def clean_applies_to(self) -> list[str]:
        return normalised(self.cleaned_data.get("applies_to") or [])


class ShiftRoleForm(ScopedOrganisationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("requirements")
        if formset is not None and self.for_user is not None:
            types = QualificationType.objects.for_user(self.for_user)

            # ``empty_form`` (the template for "add a requirement") is built anew on every access,
            # so the choices are scoped in the child form class, not on one instance.
            class ScopedRequirementForm(formset.form):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.fields["qualification_type"].queryset = types

            formset.form = ScopedRequirementForm
            for form in formset.forms:
                form.fields["qualification_type"].queryset = types

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("requirements")
        if formset is not None and formset.is_valid():
            chosen = [
                f.cleaned_data["qualification_type"]
                for f in formset.forms
                if f.cleaned_data.get("qualification_type") and not f.cleaned_data.get("DELETE")
            ]
            if any(t.organisation_id != self.instance.organisation_id for t in chosen):
                self.add_error(
                    None, _("Every required qualification type must belong to the role's organisation.")
                )
        return cleaned


class TrainingRecordForm(ScopedOrganisationForm):
    scoped_fields = {"theme": Theme}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "attendees" in self.fields:
            # Members on the record's date; an existing record keeps those who have left since.
            kept = self.instance.attendees.values_list("pk", flat=True) if self.instance.pk else ()
            offer_members(
                self.fields["attendees"],
                User.objects.for_user(self.for_user).choosable(day_of(self, "date"), keep=list(kept)),
            )


class QualificationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            # Members on the day it was issued; an existing one keeps her if she has left since.
            offer_members(
                self.fields["person"],
                User.objects.for_user(self.for_user).choosable(
                    day_of(self, "issued_on"), keep=[self.instance.person_id]
                ),
            )
            self.fields["type"].queryset = QualificationType.objects.for_user(self.for_user)
            if "document" in self.fields:
                # Her organisation's documents (its collection), and the one attached already: a
                # document of another organisation's cannot be attached (and so read).
                field = self.fields["document"]
                choosable = policy_registry.get_by_type(
                    get_document_model()
                ).instances_user_has_any_permission_for(self.for_user, ["choose"])
                field.queryset = field.queryset.filter(
                    Q(pk__in=choosable.values("pk")) | Q(pk=self.instance.document_id)
                )
                field.error_messages["invalid_choice"] = _(
                    "Choose a document from your organisation's documents."
                )

    def clean(self):
        cleaned = super().clean()
        person, qtype = cleaned.get("person"), cleaned.get("type")
        if person and qtype and person.organisation_id != qtype.organisation_id:
            self.add_error("type", _("The type belongs to another organisation than the person."))
        if cleaned.get("revoked_on") and not (cleaned.get("revoke_reason") or "").strip():
            self.add_error("revoke_reason", _("Give a reason for revoking."))
        return cleaned

    def save(self, commit=True):
        qualification = super().save(commit=False)
        if qualification._state.adding:
            qualification.source = qualification.source or QualificationSource.ATTESTATION
            qualification.attested_by = self.for_user
        if commit:
            qualification.save()
            self.save_m2m()
        return qualification


class _ReadOnce(forms.models.ModelChoiceIterator):
    """The choices from the queryset's rows, read once and kept (Django's own reads them again
    on each rendering, through a server-side cursor on PostgreSQL)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class BoardFilterForm(forms.Form):
    on = BoundedDateField(label=_("Date"), required=False, widget=AdminDateInput)
    role = forms.ModelChoiceField(
        label=_("Shift role"), queryset=ShiftRole.objects.none(), required=False, empty_label=_("All roles")
    )
    role.iterator = _ReadOnce
    group = forms.ChoiceField(label=_("Group"), required=False)
    cleared = forms.ChoiceField(
        label=_("Cleared"),
        required=False,
        choices=[("", _("All")), ("yes", _("Cleared")), ("no", _("Not cleared"))],
    )
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = ShiftRole.objects.filter(organisation=organisation)
        self.fields["group"].choices = [("", _("All groups")), *MEMBER_GROUPS.items()]

    def day(self):
        return (self.cleaned_data.get("on") if self.is_valid() else None) or timezone.localdate()

    def roles(self) -> list[ShiftRole]:
        """The organisation's shift roles, the choices of the role filter: read once for both."""
        return list(self.fields["role"].queryset)


class PeriodForm(forms.Form):
    """A period (a year, or two dates) and a version (internal or external): the competence
    report's, and the quality work's screens built on it."""

    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=EARLIEST_DATE.year, max_value=LATEST_DATE.year
    )
    start = BoundedDateField(label=_("From"), required=False, widget=AdminDateInput)
    end = BoundedDateField(label=_("To"), required=False, widget=AdminDateInput)
    version = forms.ChoiceField(
        label=_("Version"),
        choices=[("internal", _("Internal (for the board)")), ("external", _("External (for funders)"))],
        initial="internal",
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both dates of the period, or a year."))
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for (of a valid form); this year when none is."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return data["start"], data["end"]
        year = data.get("year") or timezone.localdate().year
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class ReportForm(PeriodForm):
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.period()[0] > timezone.localdate():
            self.add_error(
                "start" if cleaned.get("start") else "year",
                _("The period has not begun: a report tells what has happened. Choose one that has begun."),
            )
        return cleaned


class RevokeCertificateForm(forms.Form):
    """Revoking a certificate: the reason is required (kept in its history)."""

    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=300,
        help_text=_("Kept with the certificate; the public check shows only that it was revoked, and when."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for revoking."))
        return reason


class VerifyCodeForm(forms.Form):
    """The public check's form: the code as printed (spaces and dashes allowed)."""

    kod = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("12 letters and digits, as on the certificate, e.g. K7QF-2MXR-9HTD."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_kod(self) -> str:
        code = normalised_code(self.cleaned_data["kod"])
        if not code or not code.isalnum() or not code.isascii():
            raise forms.ValidationError(_("Type the code as it is printed on the certificate."))
        return code
