"""Run inside the existing site (copied next to its manage.py): visit it through Django's test
client as its visitors, editors and administrator do, and print one ``OK <name>`` line per
check; any failure raises (non-zero exit status). Before the plugins arrive it checks the site;
after (``jour_core`` installed) also the plugins' screens, behind their two-step verification.

    python _visit_site.py
"""

import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oldsite.settings.dev")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from wagtail.documents.models import Document  # noqa: E402
from wagtail.models import Page  # noqa: E402

from oldsite.home.management.commands.seed_oldsite import ACCOUNTS  # noqa: E402
from oldsite.people.models import Person  # noqa: E402

PLUGINS = "jour_core" in settings.INSTALLED_APPS
WRAPPER = '<main class="container"><div class="page">'


def check(name: str, response, *expected: str, status: int = 200) -> None:
    body = response.content.decode(errors="replace")
    assert response.status_code == status, f"{name}: status {response.status_code}\n{body[:3000]}"
    for text in expected:
        assert text in body, f"{name}: {text!r} not in the response\n{body[:3000]}"
    print("OK", name, flush=True)


def login_name(username: str) -> str:
    """What she types at the login form: her username on auth.User, her address afterwards."""
    return ACCOUNTS[username][0].lower() if get_user_model().USERNAME_FIELD == "email" else username


def account(username: str):
    """Her user row, found as the login form finds it."""
    model = get_user_model()
    if model.USERNAME_FIELD == "email":
        return model.objects.get(email__iexact=ACCOUNTS[username][0])
    return model.objects.get(username=username)


def the_pages(visitor: Client) -> None:
    check("home page", visitor.get("/"), WRAPPER, "OLDSITE-HOME: welcome, since 2019.", "OLDSITE-FOOTER")
    check("child page", visitor.get("/about/"), WRAPPER, "OLDSITE-ABOUT: who we are, and where.")
    check("course listing", visitor.get("/courses/"), "OLDSITE-COURSES", "2 signed up")
    check("person page", visitor.get("/erika/"), "OLDSITE-PERSON", "Editor")
    check("search", visitor.get("/search/", {"query": "courses"}), 'href="/courses/"')
    document = Document.objects.get(title="Annual report")
    response = visitor.get(document.url)
    assert response.status_code == 200, f"document: {response.status_code}"
    assert b"".join(response.streaming_content) == b"OLDSITE annual report\n"
    print("OK document download", flush=True)


def the_logins() -> None:
    for username, (_, password) in ACCOUNTS.items():
        if password is None:
            assert not Client().login(username=login_name(username), password="anything")
            continue
        assert Client().login(username=login_name(username), password=password), f"{username}: login"
        assert not Client().login(username=login_name(username), password=password + "x")
    print("OK old passwords", flush=True)
    editor = account("erika")
    assert sorted(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert editor.has_perm(f"{Person._meta.app_label}.add_person")
    assert editor.has_perm("wagtailadmin.access_admin") and not editor.is_superuser
    print("OK groups and permissions", flush=True)
    if get_user_model().USERNAME_FIELD == "email":
        # Edvin's address has capitals on auth.User; she logs in with it as she always wrote it.
        email, password = ACCOUNTS["edvin"]
        assert Client().login(username=email, password=password), f"{email}: login with capitals"
        print("OK address as she writes it", flush=True)


def admin_login(username: str) -> Client:
    """Log in through the Wagtail admin's login form (and pass the second step, if any)."""
    client = Client()
    _, password = ACCOUNTS[username]
    response = client.post(
        reverse("wagtailadmin_login"), {"username": login_name(username), "password": password}
    )
    assert response.status_code == 302, f"{username}: admin login\n{response.content.decode()[:3000]}"
    if PLUGINS:
        second_step(client, username)
    return client


def second_step(client: Client, username: str) -> None:
    """The plugins' two-step verification: without an authenticator app she is sent to its
    set-up screen; with one, a code from it lets her in."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = account(username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    response = client.get(reverse("wagtailadmin_home"))
    expected = reverse("jour_core_otp_verify" if device else "jour_core_otp_setup")
    assert response.status_code == 302 and response["Location"].startswith(f"{expected}?"), (
        f"{username}: {response.status_code} {response.get('Location')}"
    )
    device = device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(reverse("jour_core_otp_verify"), {"token": token, "next": "/admin/"})
    assert response.status_code == 302, f"{username}: code\n{response.content.decode()[:3000]}"


def the_editor() -> None:
    editor = admin_login("erika")
    check("editor's dashboard", editor.get(reverse("wagtailadmin_home")), "Oldsite")
    home = Page.objects.get(depth=2)
    about = Page.objects.get(url_path="/oldsite-home/about/")
    check("editor edits the home page", editor.get(reverse("wagtailadmin_pages:edit", args=[home.pk])))
    check("editor edits a child page", editor.get(reverse("wagtailadmin_pages:edit", args=[about.pk])))
    check("editor's page explorer", editor.get(reverse("wagtailadmin_explore", args=[home.pk])), "About us")
    history = editor.get(reverse("wagtailadmin_pages:history", args=[about.pk]))
    check("page history", history, "Edvin")


def the_administrator() -> None:
    admin = admin_login("admin")
    check("administrator's dashboard", admin.get(reverse("wagtailadmin_home")))
    check("users screen", admin.get(reverse("wagtailusers_users:index")), "Erika", "Edvin")
    check("host's snippets", admin.get(reverse(Person.snippet_viewset.get_url_name("list"))), "Erika Oldsite")
    check("django admin", admin.get("/django-admin/"), "Django")
    if PLUGINS:
        # The moved users are in the plugins' register; the clearance board, before the site
        # has an organisation, says so (README, step 4).
        check("people register", admin.get(reverse("people_person:index")), "Erika", "Edvin")
        check("clearance board", admin.get(reverse("certifications_board")))


def the_course_page() -> None:
    """An organisation's course page, served in the site's own base.html (inside its wrapper)."""
    from courses.models import CoursePage
    from courses.page_access import ensure_course_index
    from people.models import Organisation

    organisation = Organisation.objects.create(name="Kvinnojouren Oldsite", slug="oldsite")
    course = ensure_course_index(organisation).add_child(
        instance=CoursePage(
            title="Study circle",
            slug="study-circle",
            organisation=organisation,
            kind="basic",
            introduction="<p>OLDSITE-COURSE-INTRO</p>",
        )
    )
    response = Client().get(course.url)
    check("plugin course page", response, WRAPPER, "OLDSITE-COURSE-INTRO", "OLDSITE-FOOTER")
    # The site's own courses/course_page.html (its app is labelled courses) does not hide ours.
    assert "OLDSITE-OWN-COURSE-TEMPLATE" not in response.content.decode(), (
        "the site's template hid the plugin's"
    )


if __name__ == "__main__":
    setup_test_environment()
    the_pages(Client())
    the_logins()
    the_editor()
    the_administrator()
    if PLUGINS:
        the_course_page()
