"""The member area: "My training" and "Download my data"; and a person's data for her coordinator."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from certifications.certificates import certificate_entries
from certifications.standing import member_standing
from certifications.views import PersonMixin
from courses.ical import feed_link, feed_token
from courses.models import FeedKind
from courses.selectors import member_overview
from jour_core.exports import ExportFile, export_response
from quality.evaluations import pending_evaluations

from .mydata import collect_personal_data, personal_data_as_exported


@login_required
def my_training(request):
    """Her evaluations to answer, runs, sessions, calendar link, self-paced courses,
    qualifications and completions (each with its certificate)."""
    overview = member_overview(request.user)
    standing = member_standing(request.user, timezone.localdate())
    # Her calendar link is made on her first visit.
    link = feed_link(feed_token(request.user, FeedKind.MY_SESSIONS), request.build_absolute_uri("/"))
    context = {
        "feed_url": link.url,
        "webcal_url": link.webcal,
        "qualifications": standing.qualifications,
        "roles": standing.roles,
        "runs": overview.runs,
        "upcoming": overview.upcoming,
        "completions": overview.completions,
        # Her completed courses with their certificates (certifications/certificates.py).
        "certificates": certificate_entries(overview.completions),
        "self_paced": overview.self_paced,
        "evaluations": pending_evaluations(request.user),
    }
    return render(request, "home/my_training.html", context)


@login_required
def my_data(request):
    """Download my data: everything the register holds about the signed-in person."""
    data = collect_personal_data(request.user)
    counts = sum(len(rows) for rows in data.values() if isinstance(rows, list))
    content = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()
    # Her own data, her own name (the right of access): served and audited like every export.
    return export_response(
        request,
        ExportFile(content, "json", counts),
        kind="my-data",
        filename=f"mina-uppgifter-{timezone.localdate().isoformat()}",
    )


class PersonDataView(PersonMixin, View):
    """Her data for her coordinator (the action "Download her data" on her page): what "Download
    my data" gives her (``mydata.collect_personal_data``), served and audited as every export is,
    a protected identity shown as exports show her. Those who may change the register only."""

    permission_required = "change"

    def get(self, request, pk: int):
        person = self.get_person()
        data = personal_data_as_exported(person)
        counts = sum(len(rows) for rows in data.values() if isinstance(rows, list))
        content = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()
        return export_response(
            request,
            ExportFile(content, "json", counts),
            kind="person-data",
            filename=f"uppgifter-person-{person.pk}-{timezone.localdate().isoformat()}",
            person=person.pk,
        )
