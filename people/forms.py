import datetime

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .conf import app_settings
from .models import Organisation, PersonManager, User, today
from .permissions import has_admin_access

#: What only the umbrella administrator changes on an account with access to the administration
#: (its password and groups are not in the register's form at all).
ADMIN_ACCOUNT_FIELDS = ("email", "is_active")


class PersonForm(WagtailAdminModelForm):
    """The register's create/edit form. A coordinator's people always join her organisation;
    only a superuser picks the organisation (the field is a superuser-only panel). On an account
    with access to the administration (a coordinator, the board) only a superuser changes the
    email address and the active flag: otherwise a coordinator could take it over by changing
    its address and asking for a new password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        editor_is_administrator = user is None or user.is_superuser
        if self.instance.pk and not editor_is_administrator and has_admin_access(self.instance):
            for name in ADMIN_ACCOUNT_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True  # a posted value is ignored
                    self.fields[name].help_text = _(
                        "This person has access to the administration: only the administrator "
                        "changes her email address and whether her account is active."
                    )

    def clean_email(self) -> str:
        email = PersonManager.normalize_email(self.cleaned_data.get("email"))
        user = self.for_user
        if email and user is not None and not user.is_superuser:
            # Whose the address is (across organisations, as the uniqueness it checks; only the
            # organisation id is read), in words that name no other organisation and nobody in it.
            taken = User.objects.filter(email=email).exclude(pk=self.instance.pk).values("organisation_id")
            owner = taken.first()
            if owner is not None and owner["organisation_id"] == user.organisation_id:
                raise forms.ValidationError(
                    _("A person in your register already has this email address; search the register for it.")
                )
            if owner is not None:
                raise forms.ValidationError(
                    _(
                        "This email address belongs to a person in another organisation. Ask the umbrella "
                        "administrator, who can move the person to your organisation."
                    )
                )
        return email

    def clean(self):
        cleaned = super().clean()
        joined_on, left_on = cleaned.get("joined_on"), cleaned.get("left_on")
        if joined_on and left_on and left_on < joined_on:
            self.add_error("left_on", _("The leaving date cannot be before the joining date."))
        return cleaned

    def save(self, commit=True):
        person = super().save(commit=False)
        user = self.for_user
        if user is not None and not user.is_superuser:
            person.organisation_id = user.organisation_id
        if person._state.adding and not person.password:
            person.set_unusable_password()
        if commit:
            person.save()
            self.save_m2m()
        return person


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_(
            "Columns: email, first name, last name, groups, joined on, left on, protected identity "
            "(headers in Swedish or English). The register's export can be imported back as it is."
        ),
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.all()
        else:
            del self.fields["organisation"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > app_settings.PEOPLE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file that can be imported is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(app_settings.PEOPLE_IMPORT_MAX_BYTES),
                }
            )
        return upload


class ImportConfirmForm(forms.Form):
    """Confirms (or cancels) a checked file kept on the server: the page carries only the
    pending import's token, never the file. The view looks the token up for the signed-in
    person only (``people.importing.find_pending_import``)."""

    pending = forms.CharField(widget=forms.HiddenInput, max_length=64)


#: A chooser's answer to someone it does not offer (posted anyway): who has left or not yet joined.
NOT_A_MEMBER = _(
    "Choose among the people offered: the organisation's members on the day (not someone who had "
    "left or had not yet joined)."
)


def offer_members(field: forms.ModelChoiceField, people) -> None:
    """A person chooser offers ``people`` (``PersonQuerySet.choosable``) and says why another
    is refused."""
    field.queryset = people
    field.error_messages = {**field.error_messages, "invalid_choice": NOT_A_MEMBER}


def day_of(form: forms.BaseForm, name: str, default: datetime.date | None = None) -> datetime.date:
    """The day a form is about, for its person chooser: the date posted in field ``name`` when
    it reads as one, else the instance's (an existing record's), else ``default`` or today."""
    field = form.fields.get(name)
    if form.is_bound and field is not None:
        try:
            value = field.clean(
                field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            )
        except forms.ValidationError:
            value = None
        if isinstance(value, datetime.date):
            return value
    instance = getattr(form, "instance", None)
    value = getattr(instance, name, None) if instance is not None else None
    return value if isinstance(value, datetime.date) else (default or today())
