import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput

from people.bounds import LATEST_DATE, BoundedDateField
from people.forms import offer_members
from people.models import Organisation, User

from .models import ATTENDANCE_NOTE_MAX_LENGTH, CoursePage, MakeUpKind, Session, SessionStatus
from .scheduling import local_datetime


class CourseRunForm(WagtailAdminModelForm):
    """A run: its course (and so its organisation), title, place and leaders. When a run is
    created it can generate one session per unit on a weekly rhythm."""

    first_session_date = BoundedDateField(
        label=gettext_lazy("First session"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Leave empty to add the sessions one by one."),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Starts at"), initial=datetime.time(18, 0), widget=AdminTimeInput
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Ends at"), initial=datetime.time(20, 30), widget=AdminTimeInput
    )
    every_days = forms.TypedChoiceField(
        label=gettext_lazy("Rhythm"),
        coerce=int,
        choices=[(7, gettext_lazy("Every week")), (14, gettext_lazy("Every other week"))],
        initial=7,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("first_session_date", "start_time", "end_time", "every_days"):
                del self.fields[name]
        user = self.for_user
        if user is not None:
            organisations = Organisation.objects.for_user(user)
            self.fields["course"].queryset = CoursePage.objects.filter(organisation__in=organisations)
            people = User.objects.for_user(user).filter(is_active=True)
            if self.instance.pk:
                people = people.filter(organisation_id=self.instance.organisation_id)
            # Members today; a run keeps its leaders if one has left since.
            kept = list(self.instance.leaders.values_list("pk", flat=True)) if self.instance.pk else []
            offer_members(self.fields["leaders"], people.choosable(timezone.localdate(), keep=kept))

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        if course is not None:
            self.instance.organisation_id = course.organisation_id
            leaders = cleaned.get("leaders") or []
            if any(leader.organisation_id != course.organisation_id for leader in leaders):
                self.add_error("leaders", _("Circle leaders must belong to the course's organisation."))
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        first = cleaned.get("first_session_date")
        if first and start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        if first and course is not None and cleaned.get("every_days"):
            units = course.units.count()
            last = first + datetime.timedelta(days=cleaned["every_days"] * max(units - 1, 0))
            if last > LATEST_DATE:
                self.add_error(
                    "first_session_date",
                    _("The last session would be on %(last)s, after %(latest)s.")
                    % {"last": last.isoformat(), "latest": LATEST_DATE.isoformat()},
                )
        return cleaned


class SessionForm(forms.ModelForm):
    """Move, cancel (with a reason) or reinstate a session, or add an extra one."""

    date = BoundedDateField(label=gettext_lazy("Date"), widget=AdminDateInput)
    start_time = forms.TimeField(label=gettext_lazy("Starts at"), widget=AdminTimeInput)
    end_time = forms.TimeField(label=gettext_lazy("Ends at"), widget=AdminTimeInput)

    class Meta:
        model = Session
        fields = ["unit_number", "status", "cancel_reason"]

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        self.instance.run = run
        units = run.course.units.order_by("number")
        self.fields["unit_number"] = forms.TypedChoiceField(
            label=gettext_lazy("Unit"),
            coerce=int,
            empty_value=None,
            required=False,
            choices=[("", gettext_lazy("Extra meeting (no unit)")), *[(u.number, str(u)) for u in units]],
        )
        if self.instance.pk:
            local_start = timezone.localtime(self.instance.starts_at)
            self.initial.update(
                date=local_start.date(),
                start_time=local_start.time(),
                end_time=timezone.localtime(self.instance.ends_at).time(),
            )
        else:
            del self.fields["status"]
            del self.fields["cancel_reason"]

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The session must end after it starts."))
            else:
                self.instance.starts_at = local_datetime(day, start)
                self.instance.ends_at = local_datetime(day, end)
        reason = (cleaned.get("cancel_reason") or "").strip()
        if cleaned.get("status") == SessionStatus.CANCELLED and not reason:
            self.add_error("cancel_reason", _("Give a reason when cancelling a session."))
        if cleaned.get("status") == SessionStatus.SCHEDULED:
            cleaned["cancel_reason"] = ""
        return cleaned


class EnrolForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("People to enrol"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = run.enrolments.active().values("person_id")
        offer_members(
            self.fields["people"],
            User.objects.filter(organisation_id=run.organisation_id, is_active=True)
            .exclude(pk__in=enrolled)
            .choosable(timezone.localdate()),
        )


class MakeUpForm(forms.Form):
    unit_number = forms.TypedChoiceField(label=gettext_lazy("Unit"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("How"), widget=forms.RadioSelect)
    session = forms.ModelChoiceField(
        label=gettext_lazy("Session in another run"), queryset=None, required=False, widget=forms.Select
    )
    attended = forms.BooleanField(
        label=gettext_lazy("She attended it (mark her present there)"), required=False, initial=False
    )
    date = BoundedDateField(label=gettext_lazy("Date of the catch-up"), required=False, widget=AdminDateInput)
    led_by = forms.CharField(label=gettext_lazy("Led by"), max_length=200, required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, enrolment, missing_units, **kwargs):
        super().__init__(*args, **kwargs)
        units = {u.number: u for u in enrolment.run.course.units.all()}
        # Opened for one missed unit (?unit=3): that unit, and only its sessions in other runs.
        chosen = self.initial.get("unit_number")
        if chosen is not None and str(chosen).isdigit() and int(chosen) in missing_units:
            missing_units = [int(chosen)]
        self.fields["unit_number"].choices = [(n, str(units[n])) for n in missing_units if n in units]
        self.fields["kind"].choices = MakeUpKind.choices
        self.fields["kind"].initial = MakeUpKind.CATCH_UP
        self.fields["session"].queryset = (
            Session.objects.not_cancelled()
            .filter(
                run__course_id=enrolment.run.course_id, run__organisation_id=enrolment.run.organisation_id
            )
            .exclude(run_id=enrolment.run_id)
            .filter(unit_number__in=missing_units)
            .select_related("run")
            .order_by("starts_at")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MakeUpKind.OTHER_RUN:
            session = cleaned.get("session")
            if session is None:
                self.add_error("session", _("Choose the session she attends instead."))
            elif session.unit_number != cleaned.get("unit_number"):
                self.add_error("session", _("The session must be the same unit."))
        elif (
            cleaned.get("kind") == MakeUpKind.CATCH_UP
            and not cleaned.get("date")
            and "date" not in self.errors
        ):
            self.add_error("date", _("Give the date of the catch-up."))
        return cleaned


class ApologyForm(forms.Form):
    """Her apologies for a coming session: a note for the circle leaders, if she wants."""

    note = forms.CharField(
        label=gettext_lazy("A note for the circle leaders (optional)"),
        max_length=ATTENDANCE_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The circle leaders and the coordinator read it. No details about your health."
        ),
    )
