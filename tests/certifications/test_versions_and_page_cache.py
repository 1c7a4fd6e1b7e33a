"""An organisation's data version grows with every change to its records (jour_core/versions.py),
and the pages cached under it are never served stale (jour_core/pagecache.py)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from certifications.certificates import issue_certificate
from certifications.models import (
    Qualification,
    QualificationType,
    ReminderSent,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)
from courses.attendance import enrol, record_makeup, set_marks, withdraw
from courses.completion import record_completions
from courses.models import Enrolment, LessonCompletion, LessonPage
from courses.scheduling import generate_sessions
from jour_core.versions import TRACKED, track
from people.importing import apply_people_import, parse_people_csv
from people.models import Organisation, User
from quality.models import EvaluationQuestion, EvaluationReceipt
from tests.auth import sign_in
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date


def version(org) -> int:
    return Organisation.objects.get(pk=org.pk).data_version


@pytest.fixture
def course_run(org_a, coordinator_a):
    course = make_course(org_a, title="Studiecirkel", units=2, kind="continuing")
    run = make_run(course, timezone.localdate() - datetime.timedelta(days=7), title="HT")
    return course, run


def changes(org_a, org_b, coordinator_a, catalogue, course_run, tmp_path):
    """Every way the records change, each a function; run in turn, each must bump A's version."""
    course, run = course_run
    person = PersonFactory(organisation=org_a)
    session = run.sessions.order_by("starts_at").first()

    def import_people():
        text = "email,first_name,last_name,groups,joined_on\nny@example.org,Ny,Person,volunteer,2026-01-01\n"
        parsed = parse_people_csv(text, org_a)
        assert not parsed.problems, parsed.problems
        apply_people_import(parsed, org_a, by=coordinator_a)

    record_box = {}
    # Made before the walk, so that each change below is its own model's.
    lesson = course.add_child(instance=LessonPage(title="Del", slug="del", unit_number=1))
    (completion,) = record_completions([(person, course, timezone.localdate())])

    def add_record():
        record_box["record"] = train(org_a, [person], "2026-06-01", "3")

    return {
        "a person's name": lambda: PersonFactory._meta.model.objects.filter(pk=person.pk).first().save(),
        "a person's groups": lambda: person.groups.add(*coordinator_a.groups.all()),
        "the people import": import_people,
        "a qualification": lambda: qualify(person, catalogue["pledge"], "2026-01-01"),
        "revoking it": lambda: Qualification.objects.filter(person=person).first().delete(),
        "a training record": add_record,
        "its attendees": lambda: record_box["record"].attendees.add(coordinator_a),
        "the trash": lambda: TrainingRecord.objects.get(pk=record_box["record"].pk).soft_delete(
            coordinator_a
        ),
        "a shift role's requirement": lambda: ShiftRoleRequirement.objects.create(
            role=catalogue["chat"], qualification_type=catalogue["pledge"], sort_order=5
        ),
        "a shift role's hours": lambda: (
            setattr(catalogue["chat"], "min_training_hours", Decimal(2)),
            catalogue["chat"].save(),
        ),
        "enrolling": lambda: enrol(run, [person]),
        "marking attendance": lambda: set_marks(session, {person.pk: "present"}, coordinator_a),
        "changing a mark": lambda: set_marks(session, {person.pk: "absent"}, coordinator_a),
        "a make-up": lambda: record_makeup(
            Enrolment.objects.get(run=run, person=person), 2, coordinator_a, date=timezone.localdate()
        ),
        "withdrawing": lambda: withdraw(Enrolment.objects.get(run=run, person=person)),
        "cancelling a session": lambda: (
            setattr(session, "status", "cancelled"),
            setattr(session, "cancel_reason", "Sjuk"),
            session.save(),
        ),
        "publishing the course": lambda: course.save_revision().publish(),
        "scheduling sessions": lambda: generate_sessions(
            run, timezone.localdate(), datetime.time(18), datetime.time(20), [1]
        ),
        # My training lists the evaluations she may answer (home/views.py keeps the page).
        "an evaluation question": lambda: EvaluationQuestion.objects.create(
            organisation=org_a, course_kind="basic", kind="rating", text="Var träffen till nytta?"
        ),
        "answering an evaluation": lambda: EvaluationReceipt.objects.create(
            person=person, run=run, unit_number=1
        ),
        "a lesson done": lambda: LessonCompletion.objects.create(person=person, lesson=lesson),
        "a certificate": lambda: issue_certificate(completion),
    }


def test_every_change_to_the_records_bumps_the_organisations_version_only(
    org_a, org_b, coordinator_a, catalogue, course_run, tmp_path
):
    for what, change in changes(org_a, org_b, coordinator_a, catalogue, course_run, tmp_path).items():
        before, other = version(org_a), version(org_b)
        change()
        assert version(org_a) > before, what
        assert version(org_b) == other, what


def test_who_may_do_what_and_the_sites_bump_every_organisations_version(org_a, org_b, coordinator_a):
    """A group's permissions, Wagtail's page and collection permissions and the sites belong to
    no organisation but shape every kept page (its menus, buttons, the site's name)."""
    group = Group.objects.create(name="Granskare")
    page_permission = Permission.objects.get(codename="publish_page")
    collection_permission = Permission.objects.get(codename="add_document")
    site = Site.objects.get(is_default_site=True)
    box = {}
    changes = {
        "a group": lambda: Group.objects.create(name="Nya"),
        "a group's permissions": lambda: group.permissions.add(collection_permission),
        "taking one away": lambda: group.permissions.remove(collection_permission),
        "all of them": lambda: (group.permissions.add(page_permission), group.permissions.clear()),
        "a page permission": lambda: box.update(
            page=GroupPagePermission.objects.create(
                group=group, page=Page.get_first_root_node(), permission=page_permission
            )
        ),
        "deleting it": lambda: box["page"].delete(),
        "a collection permission": lambda: GroupCollectionPermission.objects.create(
            group=group, collection=Collection.get_first_root_node(), permission=collection_permission
        ),
        "a site's name": lambda: (setattr(site, "site_name", "Jouren"), site.save()),
        "a locale": lambda: Locale.objects.first().save(),
        "a group deleted": lambda: group.delete(),
    }
    for what, change in changes.items():
        before = version(org_a), version(org_b)
        change()
        assert version(org_a) > before[0] and version(org_b) > before[1], what
    # Adding a permission a group has already changes nothing: no version moves.
    readers = Group.objects.create(name="Läsare")
    readers.permissions.add(page_permission)
    before = version(org_a), version(org_b)
    readers.permissions.add(page_permission)
    assert (version(org_a), version(org_b)) == before


def test_saving_an_organisation_never_writes_an_older_version_back(org_a):
    stale = Organisation.objects.get(pk=org_a.pk)
    PersonFactory(organisation=org_a)  # bumps the version in the database
    current = version(org_a)
    stale.name = "Nytt namn"
    stale.save()
    assert version(org_a) == current + 1  # bumped (the name is on the pages), not set back
    assert Organisation.objects.get(pk=org_a.pk).name == "Nytt namn"


@pytest.fixture
def board(client, org_a, coordinator_a, catalogue):
    sign_in(client, coordinator_a)
    person = PersonFactory(email="klara@example.org", first_name="Klara", organisation=org_a)
    qualify(person, catalogue["basic"], "2024-01-01")
    url = reverse("certifications_board") + f"?role={catalogue['chat'].pk}"
    client.get(url)  # the first visit sets the CSRF cookie
    return url, person


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_the_board_comes_from_the_cache_with_a_fresh_nonce(client, board):
    url, _person = board
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200
    assert again.context is None  # not rendered again
    # The page is the same but for the nonce, which is this response's own, in its header too.
    assert nonce_of(again) != nonce_of(first)
    assert f'nonce="{nonce_of(again)}"' in again.content.decode()
    assert nonce_of(first) not in again.content.decode()
    assert again.content.decode().replace(nonce_of(again), "N") == first.content.decode().replace(
        nonce_of(first), "N"
    )
    # Only what every admin page reads (session, person, authenticator, permissions, profile,
    # the session saved again) and the organisation: no clearance engine, no rendering.
    tables = {
        re.search(r'(?:FROM|UPDATE) "(\w+)"', q["sql"]).group(1)
        for q in queries
        if "FROM" in q["sql"] or "UPDATE" in q["sql"]
    }
    assert not {t for t in tables if t.startswith(("certifications_", "courses_"))}, tables
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_a_change_to_the_records_shows_on_the_board_at_once(client, board, catalogue, org_a):
    url, person = board
    assert "Klara" in client.get(url).content.decode()
    assert client.get(url).context is None
    person.first_name = "Klarissa"
    person.save()
    assert "Klarissa" in client.get(url).content.decode()
    # A training record for her, and another date, each give a page made afresh.
    train(org_a, [person], timezone.localdate().isoformat(), "6")
    assert client.get(url).context is not None
    assert client.get(url + f"&on={(timezone.localdate() + datetime.timedelta(days=1)).isoformat()}").context


def test_a_permission_taken_from_her_group_shows_on_the_kept_board_at_once(client, board):
    """The menu of a kept page is what she may do now: a change to her group's permissions
    (which belong to no organisation) makes the page afresh."""
    url, _person = board
    menu_item = "Kompetensplanens rader"
    assert menu_item in client.get(url).content.decode()
    assert client.get(url).context is None  # kept
    for group in Group.objects.filter(name__startswith="Coordinators"):
        group.permissions.remove(*Permission.objects.filter(codename__endswith="_planitem"))
    after = client.get(url)
    assert after.context is not None  # made afresh
    assert menu_item not in after.content.decode()


def test_another_organisations_changes_leave_the_cached_board_alone(client, board, org_b):
    url, _person = board
    client.get(url)
    PersonFactory(organisation=org_b)
    assert client.get(url).context is None


def test_exports_and_pages_with_messages_are_never_cached(client, board, coordinator_a, org_a, course_run):
    url, person = board
    client.get(url)
    for _ in range(2):
        export = client.get(url + "&export=csv")
        assert export["Content-Type"].startswith("text/csv") and b"Klara" in export.content
    # Saving the register leaves a message for the next page: that page is made afresh.
    _course, run = course_run
    enrol(run, [person])
    session = run.sessions.order_by("starts_at").first()
    register = reverse("courses_session_register", args=[session.pk])
    assert client.post(register, {f"mark-{person.pk}": "present"}).status_code == 302
    with_message = client.get(url)
    assert with_message.context is not None
    assert "1" in str(next(iter(with_message.context["messages"])))


def test_the_register_shows_new_marks_at_once(client, coordinator_a, org_a, course_run):
    _course, run = course_run
    person = PersonFactory(first_name="Vera", organisation=org_a)
    enrol(run, [person])
    session = run.sessions.order_by("starts_at").first()
    sign_in(client, coordinator_a)
    url = reverse("courses_session_register", args=[session.pk])
    client.get(url)
    first = client.get(url)
    assert "checked" not in first.content.decode()
    assert client.get(url).context is None
    set_marks(session, {person.pk: "late"}, coordinator_a)
    after = client.get(url)
    assert after.context is not None
    assert re.search(r'value="late"\s+checked', after.content.decode())


def test_a_change_through_the_register_proxy_bumps_and_untracked_models_pay_nothing(org_a):
    from django.db.models.signals import post_save, pre_delete

    from courses.models import FeedToken
    from people.models import Person

    person = PersonFactory(organisation=org_a)
    before = version(org_a)
    Person.objects.get(pk=person.pk).save()  # the register's admin saves through the proxy
    assert version(org_a) > before
    # The receivers are connected to the tracked models only: the others keep fast deletes.
    assert not pre_delete.has_listeners(FeedToken) and not post_save.has_listeners(FeedToken)


def test_no_raw_write_to_a_tracked_model_skips_the_version(
    org_a, org_b, coordinator_a, catalogue, course_run, tmp_path
):
    """Every tracked model, walked from the registry: a bare ``update`` or ``bulk_update`` on
    its manager, which sends no signal, still bumps the version of the rows' organisation only."""
    for change in changes(org_a, org_b, coordinator_a, catalogue, course_run, tmp_path).values():
        change()  # a row of every tracked model in A
    record_completions([(coordinator_a, course_run[0], timezone.localdate())])
    qualify(coordinator_a, catalogue["pledge"], "2026-01-01")  # the walk above deleted its own
    assert len(TRACKED) >= 12
    for model, lookup in TRACKED.items():
        row = model._base_manager.filter(**{lookup: org_a}).first()
        assert row is not None, model
        field = next(
            f.name for f in model._meta.local_concrete_fields if not (f.primary_key or f.is_relation)
        )
        for manager in model._meta.managers:
            for what in ("update", "bulk_update"):
                before, other = version(org_a), version(org_b)
                if what == "update":
                    manager.filter(pk=row.pk).update(**{field: F(field)})
                else:
                    manager.bulk_update([row], [field])
                if manager.filter(pk=row.pk).exists():  # a manager that hides the row writes nothing
                    assert version(org_a) > before, (model, manager.name, what)
                assert version(org_b) == other, (model, manager.name, what)


def test_a_bulk_create_bumps_the_version_of_every_organisation_it_wrote_to(org_a, org_b, catalogue):
    role_b = ShiftRole.objects.create(organisation=org_b, name="Chattjour B")
    type_b = QualificationType.objects.create(organisation=org_b, name="Tystnadslöfte B")
    before_a, before_b = version(org_a), version(org_b)
    ShiftRoleRequirement.objects.bulk_create(
        [
            ShiftRoleRequirement(
                role=catalogue["chat"], qualification_type=catalogue["pledge"], sort_order=9
            ),
            ShiftRoleRequirement(role=role_b, qualification_type=type_b, sort_order=1),
        ]
    )
    assert version(org_a) == before_a + 1
    assert version(org_b) == before_b + 1


def test_moving_rows_to_another_organisation_bumps_both(org_a, org_b):
    person = PersonFactory(organisation=org_a)
    before_a, before_b = version(org_a), version(org_b)
    User.objects.filter(pk=person.pk).update(organisation=org_b)
    assert version(org_a) > before_a
    assert version(org_b) > before_b


def test_a_tracked_model_without_a_versioned_manager_is_refused():
    with pytest.raises(ImproperlyConfigured, match="VersionedQuerySet"):
        track(ReminderSent)
    assert ReminderSent not in TRACKED


def test_the_expiring_panel_is_counted_once_a_day_and_data_version(
    client, org_a, coordinator_a, catalogue, clock
):
    """The clearance engine behind the start page's panel runs once per organisation, data
    version and day (certifications/wagtail_hooks.py ExpiringClearancePanel)."""
    rut = PersonFactory(first_name="Rut", organisation=org_a)
    qualify(rut, catalogue["basic"], "2024-01-01")
    qualify(rut, catalogue["pledge"], "2025-12-15")  # expires 2026-12-15: within 30 days
    train(org_a, [rut], "2026-06-01", "6")
    sign_in(client, coordinator_a)

    def panel():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("wagtailadmin_home")).content.decode()
        html = html[html.index('id="expiring-heading"') :]
        engine = [
            q for q in queries.captured_queries if "jour_certifications_shiftrolerequirement" in q["sql"]
        ]
        return html[: html.index("</section>")], len(engine)

    first, engine_runs = panel()
    assert "Rut" in first and "Telefonjour" in first and engine_runs == 1
    assert panel() == (first, 0)
    rut.first_name = "Ruth"
    rut.save()  # a new data version
    renamed, engine_runs = panel()
    assert "Ruth" in renamed and engine_runs == 1
    clock.shift(datetime.timedelta(days=25))  # another day, the same version
    sign_in(client, coordinator_a)  # (the session timed out)
    assert panel()[1] == 1
    clock.shift(datetime.timedelta(days=20))  # past the expiry: no longer "within 30 days"
    sign_in(client, coordinator_a)
    later, engine_runs = panel()
    assert engine_runs == 1 and "Ruth" not in later


def test_her_standing_on_my_training_is_kept_per_data_version(client, org_a, org_b, catalogue):
    """My training's qualifications and clearance (certifications/standing.py kept_member_standing):
    the engine runs once per data version and day; a change to her qualification, also one of
    an organisation she has left, gives the fresh standing."""
    vera = PersonFactory(first_name="Vera", organisation=org_a)
    qualify(vera, catalogue["basic"], "2024-01-01")
    sign_in(client, vera)

    def standing():
        with CaptureQueriesContext(connection) as queries:
            context = client.get(reverse("my_training")).context
        engine = [
            q for q in queries.captured_queries if "jour_certifications_shiftrolerequirement" in q["sql"]
        ]
        cleared = {row["role"].name: row["cleared"] for row in context["roles"]}
        return cleared, [row["state"] for row in context["qualifications"]], len(engine)

    first = standing()
    assert first[0] == {"Telefonjour": False, "Chattjour": True} and first[2] == 1
    assert standing() == (*first[:2], 0)
    basic = Qualification.objects.get(person=vera)
    basic.revoked_on = timezone.localdate() - datetime.timedelta(days=1)
    basic.revoke_reason = "Avslutat"
    basic.save()
    revoked = standing()
    assert revoked[0] == {"Telefonjour": False, "Chattjour": False} and revoked[2] == 1
    # She moves to B: her qualification of A's type is A's record.
    vera.organisation = org_b
    vera.save()
    moved = standing()
    assert moved[0] == {} and moved[2] == 0  # B has no roles
    Qualification.objects.filter(pk=basic.pk).update(revoked_on=None, revoke_reason="")  # A's version
    assert standing()[1:] == (["valid"], 0)
