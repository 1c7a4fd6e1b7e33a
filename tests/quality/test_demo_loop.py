"""`make run` shows every part of the quality loop (issue 17's acceptance): a plan of six themes
with training done against it, evaluations from two runs (some units under 5 answers), four
actions (one overdue, one closed with its follow-up), and the annual review of it all, at any
moment the demo is loaded."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from people.models import Organisation
from quality.models import PlanItem
from quality.plan import DONE, plan_against_done


@pytest.mark.awkward_moments
def test_the_demo_shows_the_whole_loop(db, clock):
    call_command("seed_demo", stdout=io.StringIO())
    organisation = Organisation.objects.get(slug="bjorkdalen")
    year = timezone.localdate().year
    items = PlanItem.objects.filter(organisation=organisation, year=year)
    for item in items:
        item.full_clean()  # the demo keeps the rules a coordinator's form keeps
    assert len({item.theme_id for item in items}) == 6
    plan = plan_against_done(organisation, year)
    assert plan.counts()[DONE] >= 1
    assert any(line.done for line in plan.lines)

    out = io.StringIO()
    call_command("quality_review", "--organisation", "bjorkdalen", "--year", str(year), stdout=out)
    review = json.loads(out.getvalue())
    assert len(review["plan"]) == 6
    assert len(review["actions"]) == 4
    assert review["actions_counts"]["overdue"] == 1 and review["actions_counts"]["closed"] == 1
    runs = {item["run"] for item in review["evaluations"]}
    assert len(runs) >= 2, runs  # the earlier study circle may be last year's
    assert any(item["answers"] == "<5 svar" for item in review["evaluations"])
    assert any(item["means"] for item in review["evaluations"])
    # Running it again changes nothing.
    call_command("seed_demo", stdout=io.StringIO())
    assert PlanItem.objects.filter(organisation=organisation).count() == 6
