"""The site's content as it stands before the plugins arrive: users on ``auth.User`` (a
superuser, two editors in the group "Editors", an archived account without a password), pages
owned and revised by them (published revisions and a draft), a locked page, a comment, a
document, a staff profile, an enrolment, a direct permission and Wagtail's log entries.

    python manage.py seed_oldsite [--email-problems]

``--email-problems`` adds two accounts an email login cannot take over: one whose address
differs from an editor's only in case, and one without an address.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    Comment,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
)
from wagtail.users.models import UserProfile

from oldsite.courses.models import CourseListingPage, Enrolment
from oldsite.home.models import HomePage, StandardPage
from oldsite.people.models import Person, PersonPage

#: username -> (email, password); the test logs in with these after the move.
ACCOUNTS = {
    "admin": ("admin@oldsite.example", "old-admin-pass-1"),
    "erika": ("erika@oldsite.example", "old-erika-pass-2"),
    "edvin": ("Edvin.Editor@oldsite.example", "old-edvin-pass-3"),
    "archive": ("archive@oldsite.example", None),
}


class Command(BaseCommand):
    help = "Fill the site with the content it had before the plugins arrived."

    def add_arguments(self, parser):
        parser.add_argument("--email-problems", action="store_true")

    @transaction.atomic
    def handle(self, *args, email_problems=False, **options):
        users = make_users()
        editors = make_editors_group(users)
        home = make_home(users)
        grant_editors(editors, home)
        home = revise_home(home, users)
        make_pages(home, users)
        make_document_and_profile(users)
        if email_problems:
            make_email_problems()
        self.stdout.write("Seeded oldsite.")


def make_users():
    users = {}
    for username, (email, password) in ACCOUNTS.items():
        user = new_user(username, email, first_name=username.title(), last_name="Oldsite")
        user.set_password(password) if password else user.set_unusable_password()
        if username == "admin":
            user.is_staff = user.is_superuser = True
        if username == "archive":
            user.is_active = False
        user.save()
        users[username] = user
    users["erika"].last_login = timezone.now()
    users["erika"].save(update_fields=["last_login"])
    profile = UserProfile.get_for_user(users["erika"])
    profile.preferred_language = "de"
    profile.save()
    # A permission given to her directly, not through a group.
    users["erika"].user_permissions.add(
        Permission.objects.get(content_type__app_label=Person._meta.app_label, codename="add_person")
    )
    return users


def make_editors_group(users):
    editors, _ = Group.objects.get_or_create(name="Editors")  # Wagtail makes it at its first migrate
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editors.user_set.add(users["erika"], users["edvin"])
    return editors


def grant_editors(editors, home):
    for codename in ["add_page", "change_page", "publish_page"]:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=home, permission=permission)
    root_collection = Collection.get_first_root_node()
    for codename in ["add_document", "change_document", "choose_document"]:
        permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=root_collection, permission=permission
        )


def revise(page, user, publish=True, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return page.specific_class.objects.get(pk=page.pk)


def make_home(users):
    """The home page in place of Wagtail's welcome page, as ``wagtail start`` makes it."""
    root = Page.get_first_root_node()
    welcome = Page.objects.get(depth=2)
    home = root.add_child(
        instance=HomePage(title="Oldsite", slug="oldsite-home", owner=users["admin"], live=False)
    )
    Site.objects.filter(is_default_site=True).update(root_page=home)
    Site.objects.filter(root_page=welcome).update(root_page=home)
    welcome.delete()
    return home


def revise_home(home, users):
    home = revise(home, users["admin"], body="<p>Welcome to the old site.</p>")
    home = revise(home, users["erika"], body="<p>OLDSITE-HOME: welcome, since 2019.</p>")
    revise(home, users["edvin"], publish=False, body="<p>A draft nobody published.</p>")
    return HomePage.objects.get(pk=home.pk)


def make_pages(home, users):
    about = home.add_child(
        instance=StandardPage(title="About us", slug="about", owner=users["erika"], live=False)
    )
    about = revise(about, users["erika"], body="<p>OLDSITE-ABOUT: who we are.</p>")
    about = revise(about, users["edvin"], body="<p>OLDSITE-ABOUT: who we are, and where.</p>")
    revise(about, users["erika"], publish=False, body="<p>Unpublished changes.</p>")
    Comment.objects.create(
        page=about,
        user=users["edvin"],
        text="Add the opening hours?",
        contentpath="body",
        revision_created=about.latest_revision,
    )
    courses = home.add_child(
        instance=CourseListingPage(title="Courses", slug="courses", owner=users["edvin"], live=False)
    )
    courses = revise(courses, users["edvin"], intro="<p>OLDSITE-COURSES: what we teach.</p>")
    courses.locked, courses.locked_by, courses.locked_at = True, users["edvin"], timezone.now()
    courses.save(update_fields=["locked", "locked_by", "locked_at"])
    Enrolment.objects.create(course_page=courses, user=users["edvin"], approved_by=users["admin"])
    Enrolment.objects.create(course_page=courses, user=users["archive"], approved_by=users["erika"])


def make_document_and_profile(users):
    document = Document.objects.create(
        title="Annual report",
        file=ContentFile(b"OLDSITE annual report\n", name="annual-report.txt"),
        uploaded_by_user=users["erika"],
    )
    log(instance=document, action="wagtail.create", user=users["erika"])
    person = Person.objects.create(
        first_name="Erika", last_name="Oldsite", job_title="Editor", account=users["erika"]
    )
    log(instance=person, action="wagtail.create", user=users["admin"])
    home = HomePage.objects.get()
    page = home.add_child(
        instance=PersonPage(title="Erika", slug="erika", owner=users["admin"], person=person, live=False)
    )
    revise(page, users["admin"], biography="<p>OLDSITE-PERSON: edits the site.</p>")


def new_user(username, email, **fields):
    """A user of the site's user model (auth.User: with a username)."""
    model = get_user_model()
    if model.USERNAME_FIELD == "username":
        fields["username"] = username
    return model(email=email, **fields)


def make_email_problems():
    for username, email in [("erika2", "ERIKA@oldsite.example"), ("noaddress", "")]:
        user = new_user(username, email)
        user.set_password(f"old-{username}-pass")
        user.save()
