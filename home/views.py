"""The member area: "My training" and "Download my data"; and a person's data for her coordinator."""

from __future__ import annotations

import json
from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from certifications.certificates import certificate_entries
from certifications.standing import kept_member_standing
from certifications.views import PersonMixin
from courses.ical import feed_link, feed_token
from courses.models import FeedKind
from courses.selectors import RunEntry, member_overview, overview_changes_at
from jour_core.audit import audit
from jour_core.exports import ExportFile, Pseudonyms, export_response
from jour_core.pagecache import cached_page, keep_page, page_key
from quality.evaluations import WHOLE_COURSE, Evaluation, pending_evaluations

from .mydata import collect_personal_data, data_for_reading, personal_data_as_exported, row_count
from .mydata_pdf import personal_data_pdf
from .selectors import my_training_versions


@login_required
def my_training(request):
    """Her evaluations to answer, runs, sessions, calendar link, self-paced courses,
    qualifications and completions (each with its certificate).

    Kept as a whole (``jour_core/pagecache.py``) for her session under the data versions of the
    organisations whose records it shows, her calendar link, the day and the host, until the
    next start or end of a session it may show: she opens it again and again, and it changes
    far less often."""
    person = request.user
    versions = my_training_versions(person)  # the versions first, then the data
    # Her calendar link is made on her first visit.
    token = feed_token(person, FeedKind.MY_SESSIONS)
    key = None
    if person.organisation_id:  # without one (a superuser) she sees every organisation's courses
        key = page_key(
            request, "my_training", versions, token.pk, token.nonce, timezone.localdate(), request.get_host()
        )
    cached = cached_page(request, key)
    if cached is not None:
        return cached
    until = overview_changes_at(person, timezone.now()) if key else None
    overview = member_overview(person)
    standing = kept_member_standing(person, timezone.localdate())
    link = feed_link(token, request.build_absolute_uri("/"))
    evaluations = pending_evaluations(person)
    context = {
        "feed_url": link.url,
        "webcal_url": link.webcal,
        "qualifications": standing.qualifications,
        "roles": standing.roles,
        "runs": with_evaluations(overview.runs, evaluations),
        "upcoming": overview.upcoming,
        "completions": overview.completions,
        # Her completed courses with their certificates (certifications/certificates.py).
        "certificates": certificate_entries(overview.completions),
        "self_paced": overview.self_paced,
        "evaluations": evaluations,
    }
    return keep_page(request, key, render(request, "home/my_training.html", context), until)


def with_evaluations(runs: list[RunEntry], evaluations: list[Evaluation]) -> list[RunEntry]:
    """Her runs with the evaluation of each unit, and of the whole course, she may answer (so
    that the page looks each up once rather than going through all of them for every unit)."""
    found = {(e.run.pk, e.unit_number): e for e in evaluations}
    return [
        replace(
            run,
            evaluation=found.get((run.progress.enrolment.run_id, WHOLE_COURSE)),
            units=[
                replace(entry, evaluation=found.get((run.progress.enrolment.run_id, entry.unit.number)))
                for entry in run.units
            ],
        )
        for run in runs
    ]


def _data_file(request, data: dict, fmt: str, title: str, organisation_name: str, **audit) -> HttpResponse:
    """``data`` as a JSON or PDF file, served and audited as every export is (``audit``: the
    kind, the file name, ids)."""
    if fmt == "pdf":
        content = personal_data_pdf(data, title, organisation_name)
    else:
        content = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()
    return export_response(request, ExportFile(content, fmt, row_count(data)), **audit)


def _reading_context(data: dict) -> dict:
    profile, roles, sections = data_for_reading(data)
    return {"profile": profile, "roles": roles, "sections": sections}


@login_required
def my_data_page(request):
    """My data: everything the register holds about the signed-in person, to read, with the
    same as a PDF and as a JSON file. Audited as the files are (``format=html``)."""
    data = collect_personal_data(request.user)
    audit("export", request, kind="my-data", format="html", rows=row_count(data))
    return render(request, "home/my_data.html", _reading_context(data))


@login_required
def my_data(request, fmt: str = "json"):
    """Download my data (JSON or PDF): everything the register holds about the signed-in person."""
    data = collect_personal_data(request.user)
    # Her own data, her own name (the right of access): served and audited like every export.
    return _data_file(
        request,
        data,
        fmt,
        _("My data"),
        request.user.organisation.name if request.user.organisation_id else "",
        kind="my-data",
        filename=f"mina-uppgifter-{timezone.localdate().isoformat()}",
    )


def shown_name(person) -> str:
    """Her name in the PDF's title: her pseudonym for a protected identity, as exports show her."""
    return (
        Pseudonyms([person])(person) if person.protected_identity else person.get_full_name() or person.email
    )


class PersonDataView(PersonMixin, WagtailAdminTemplateMixin, TemplateView):
    """Her data for her coordinator (the action "Her data" on her page): what "My data" shows
    her (``mydata.collect_personal_data``), as a page, a PDF or a JSON file, served and audited as
    every export is, a protected identity shown as exports show her
    (``mydata.personal_data_as_exported``). Those who may change the register only."""

    permission_required = "change"
    template_name = "home/admin/person_data.html"
    header_icon = "download"
    fmt = "html"

    def get_page_title(self):
        return _("Her data")

    def get_breadcrumbs_items(self):
        *items, her_page = super().get_breadcrumbs_items()
        her_page = {**her_page, "label": shown_name(self.get_person())}  # as the data shows her
        return [*items, her_page, {"url": "", "label": self.get_page_title()}]

    def get(self, request, pk: int):
        person = self.get_person()
        data = personal_data_as_exported(person)
        if self.fmt == "html":
            audit(
                "export", request, kind="person-data", format="html", rows=row_count(data), person=person.pk
            )
            return self.render_to_response(self.get_context_data(person=person, **_reading_context(data)))
        return _data_file(
            request,
            data,
            self.fmt,
            _("Data about %(name)s") % {"name": shown_name(person)},
            person.organisation.name,
            kind="person-data",
            filename=f"uppgifter-person-{person.pk}-{timezone.localdate().isoformat()}",
            person=person.pk,
        )
