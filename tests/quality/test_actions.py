"""Act: a finding and its action, who is responsible, by when, closed with a follow-up; the
overdue ones on the admin's start page; every change kept (issue 17, the first step)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quality.models import Action, ActionStatus
from tests.auth import sign_in
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory

D = datetime.date
#: A Thursday afternoon.
TODAY = D(2026, 11, 26)


@pytest.fixture
def today(clock):
    # Half past midnight: the 26th in Stockholm, still the 25th in UTC.
    clock.move_to(datetime.datetime(2026, 11, 26, 0, 30, tzinfo=STOCKHOLM))
    return TODAY


def action(organisation, due_on, status=ActionStatus.OPEN, **fields) -> Action:
    defaults = {"title": "Tystnadslöften att förnya", "source": "pledge", "action": "Boka samtal."}
    return Action.objects.create(
        organisation=organisation, due_on=due_on, status=status, **{**defaults, **fields}
    )


def test_overdue_is_past_its_last_day_and_not_closed(org_a, today):
    yesterday = action(org_a, TODAY - datetime.timedelta(days=1))
    action(org_a, TODAY)  # its last day is today: not yet overdue
    action(
        org_a,
        TODAY - datetime.timedelta(days=30),
        ActionStatus.CLOSED,
        closed_on=TODAY,
        follow_up="Klart.",
    )
    started = action(org_a, TODAY - datetime.timedelta(days=2), ActionStatus.IN_PROGRESS)
    assert set(Action.objects.overdue(TODAY)) == {yesterday, started}
    assert yesterday.is_overdue(TODAY) and not yesterday.is_overdue(TODAY - datetime.timedelta(days=1))
    assert yesterday.status_today() == "Inte påbörjad, försenad"
    assert started.status_today() == "Pågår, försenad"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": ActionStatus.CLOSED, "closed_on": TODAY}, "follow_up"),
        ({"status": ActionStatus.CLOSED, "follow_up": "Klart."}, "closed_on"),
        ({"status": ActionStatus.OPEN, "closed_on": TODAY}, "closed_on"),
        ({"due_on": D(9999, 12, 31)}, "due_on"),  # a typo for 2026
    ],
)
def test_a_closed_action_has_its_day_and_follow_up(org_a, today, fields, field):
    item = Action(organisation=org_a, title="T", source="other", action="A", **{"due_on": TODAY, **fields})
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert set(raised.value.message_dict) == {field}


def test_the_responsible_is_one_of_the_organisations_people(org_a, org_b):
    stranger = PersonFactory(organisation=org_b)
    item = Action(
        organisation=org_a, title="T", source="other", action="A", due_on=TODAY, responsible=stranger
    )
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert "responsible" in raised.value.message_dict


def test_a_coordinator_records_and_closes_an_action_and_its_history_is_kept(
    client, org_a, coordinator_a, today
):
    sign_in(client, coordinator_a)
    responsible = PersonFactory(organisation=org_a, first_name="Rut")
    form = {
        "title": "Chattjouren saknar rutin för överlämning",
        "finding": "Ett samtal avbröts vid passbyte.",
        "source": "deviation",
        "action": "Skriva en rutin.",
        "responsible": responsible.pk,
        "due_on": "2026-12-15",
        "status": "open",
        "closed_on": "",
        "follow_up": "",
    }
    response = client.post(reverse("quality_action:add"), form)
    assert response.status_code == 302, response.context["form"].errors
    item = Action.objects.get()
    assert item.organisation == org_a and item.responsible == responsible
    # Closing without a follow-up is refused, in Swedish, and changes nothing.
    closing = {**form, "status": "closed", "closed_on": "2026-11-26"}
    response = client.post(reverse("quality_action:edit", args=[item.pk]), closing)
    assert response.status_code == 200
    assert "uppföljning" in str(response.context["form"].errors)
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN
    closing["follow_up"] = "Rutinen är skriven och genomgången."
    assert client.post(reverse("quality_action:edit", args=[item.pk]), closing).status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.CLOSED and item.closed_on == TODAY
    assert [h.status for h in item.history.order_by("history_date")] == ["open", "closed"]
    history = client.get(reverse("quality_action:history", args=[item.pk]))
    assert history.status_code == 200


def test_another_organisations_person_cannot_be_made_responsible(client, org_a, org_b, coordinator_a, today):
    sign_in(client, coordinator_a)
    stranger = PersonFactory(organisation=org_b)
    response = client.post(
        reverse("quality_action:add"),
        {
            "title": "T",
            "source": "other",
            "action": "A",
            "responsible": stranger.pk,
            "due_on": "2026-12-15",
            "status": "open",
        },
    )
    assert response.status_code == 200 and "responsible" in response.context["form"].errors
    assert not Action.objects.exists()


def test_each_organisation_sees_its_own_actions(client, org_a, org_b, coordinator_a, coordinator_b, today):
    mine = action(org_a, TODAY, title="Vår iakttagelse")
    action(org_b, TODAY, title="Deras iakttagelse")
    sign_in(client, coordinator_a)
    page = client.get(reverse("quality_action:index")).content.decode()
    assert "Vår iakttagelse" in page and "Deras iakttagelse" not in page
    sign_in(client, coordinator_b)
    assert client.get(reverse("quality_action:edit", args=[mine.pk])).status_code == 404


def test_overdue_actions_show_on_the_admin_start_page(
    client, org_a, org_b, coordinator_a, coordinator_b, today
):
    action(org_a, TODAY - datetime.timedelta(days=10), title="Förnya tystnadslöften")
    action(org_a, TODAY + datetime.timedelta(days=10), title="Planera temakväll")
    action(org_a, TODAY - datetime.timedelta(days=1), title="Gårdagens åtgärd")
    action(org_b, TODAY - datetime.timedelta(days=10), title="Annan förenings åtgärd")
    sign_in(client, coordinator_a)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Försenade åtgärder" in page
    assert "Förnya tystnadslöften" in page and "2026-11-16" in page
    assert "Planera temakväll" not in page and "Annan förenings åtgärd" not in page
    assert "Gårdagens åtgärd" in page  # its last day was yesterday in Stockholm
    sign_in(client, coordinator_b)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Annan förenings åtgärd" in page and "Förnya tystnadslöften" not in page


@pytest.mark.awkward_moments
def test_the_demo_shows_every_state(db, clock):
    """At any hour the demo is loaded (its actions are placed around that day)."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("seed_demo", stdout=__import__("io").StringIO())
    today = timezone.localdate()
    actions = Action.objects.all()
    for item in actions:
        item.full_clean()  # the demo keeps the rules a coordinator's form keeps
    assert actions.count() == 4
    assert actions.overdue(today).count() == 1
    (closed,) = actions.filter(status=ActionStatus.CLOSED)
    assert closed.follow_up and closed.closed_on <= today


def test_the_list_asks_the_same_number_of_queries_for_2_or_22_actions(client, org_a, coordinator_a, today):
    """The responsible of each row comes with one query for all of them, never one per row."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, coordinator_a)
    counts = []
    for batch in (2, 20):
        for _ in range(batch):
            action(org_a, TODAY, responsible=PersonFactory(organisation=org_a))
        cache.clear()  # each load makes the admin sidebar afresh (jour_core/sidebar.py)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("quality_action:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_export_says_source_and_status_in_words(client, org_a, coordinator_a, today):
    import csv
    import io

    action(org_a, TODAY, ActionStatus.IN_PROGRESS, source="deviation")
    sign_in(client, coordinator_a)
    response = client.get(reverse("quality_action:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1:2] == ["En avvikelse"] and "Pågår" in rows[1]
    assert "deviation" not in rows[1] and "in_progress" not in rows[1]


def test_a_closing_day_still_to_come_is_refused(org_a, today):
    item = Action(
        organisation=org_a,
        title="T",
        source="other",
        action="A",
        due_on=TODAY,
        status=ActionStatus.CLOSED,
        closed_on=TODAY + datetime.timedelta(days=1),
        follow_up="Klart.",
    )
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert set(raised.value.message_dict) == {"closed_on"}
    item.closed_on = TODAY
    item.full_clean()  # today is fine


@pytest.mark.parametrize(
    "fields", [{"status": ActionStatus.CLOSED}, {"status": ActionStatus.OPEN, "closed_on": TODAY}]
)
def test_the_database_keeps_closed_and_its_day_together(org_a, fields):
    """Even a write that skips the form (a script's): closed has its day, and only closed."""
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        action(org_a, TODAY, **fields)


@pytest.mark.parametrize("status", list(ActionStatus))
@pytest.mark.parametrize("days", [-2, -1, 0, 1])
def test_overdue_for_one_action_is_overdue_for_the_query(org_a, today, status, days):
    """The two forms of "overdue" (the query's and one action's) agree."""
    closed = {"closed_on": TODAY, "follow_up": "Klart."} if status == ActionStatus.CLOSED else {}
    item = action(org_a, TODAY + datetime.timedelta(days=days), status, **closed)
    assert item.is_overdue(TODAY) == Action.objects.overdue(TODAY).filter(pk=item.pk).exists()


def test_a_superuser_of_an_organisation_sees_its_overdue_actions_only(client, org_a, org_b, superuser, today):
    superuser.organisation = org_a
    superuser.save()
    action(org_a, TODAY - datetime.timedelta(days=3), title="Vår försenade åtgärd")
    action(org_b, TODAY - datetime.timedelta(days=3), title="Annan förenings försenade åtgärd")
    sign_in(client, superuser)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Vår försenade åtgärd" in page
    assert "Annan förenings försenade åtgärd" not in page
