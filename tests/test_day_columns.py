"""A date in an admin list is the day itself (issue 18: every expiry in the qualifications list,
and a run starting in March, read "Precis nu" through Wagtail's relative date column)."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from certifications.models import Qualification, QualificationType
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run

PROJECT_APPS = {"people", "courses", "certifications", "quality"}


def project_viewsets() -> list[ModelViewSet]:
    return [
        viewset
        for viewset in viewsets.viewsets
        if isinstance(viewset, ModelViewSet) and viewset.model.__module__.split(".")[0] in PROJECT_APPS
    ]


def test_no_project_list_writes_a_date_relative_to_now():
    found = project_viewsets()
    assert len(found) >= 9, [type(v).__name__ for v in found]
    relative = [
        f"{type(viewset).__name__}.{column.name}"
        for viewset in found
        for column in (viewset.list_display if isinstance(viewset.list_display, list | tuple) else [])
        if isinstance(column, DateColumn)
    ]
    assert relative == []


def test_an_expiry_next_spring_and_a_run_in_march_read_as_their_days(client, org_a, coordinator_a):
    # 25 November 2026 (the suite's clock): both dates are still to come.
    person = PersonFactory(organisation=org_a)
    kind = QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    Qualification.objects.create(
        person=person,
        type=kind,
        issued_on=datetime.date(2026, 3, 1),
        expires_on=datetime.date(2027, 3, 1),
        source="attestation",
    )
    make_run(
        make_course(org_a, "Studiecirkel", units=2), datetime.date(2027, 3, 4), title="Studiecirkel VT 2027"
    )
    sign_in(client, coordinator_a)
    for url, day in (
        (reverse("certifications_qualification:index"), "2027-03-01"),
        (reverse("courses_run:index"), "2027-03-04"),
        (reverse("people_person:index"), "2024-01-01"),  # joined on
    ):
        page = client.get(url).content.decode()
        assert f'<time datetime="{day}">{day}</time>' in page, url
        assert "Precis nu" not in page and not re.search(r"\bsedan\b", page), url
