"""Each plugin reads its settings in one place (<app>/conf.py), with defaults a host may override."""

from django.test import override_settings

from certifications.conf import app_settings as certifications_settings
from courses.conf import login_url
from people.conf import app_settings as people_settings


def test_defaults_apply_when_the_host_sets_nothing(settings):
    del settings.PEOPLE_IMPORT_MAX_BYTES
    assert people_settings.PEOPLE_IMPORT_MAX_BYTES == 2 * 1024 * 1024
    assert certifications_settings.CERTIFICATIONS_IMPORT_MAX_BYTES == 2 * 1024 * 1024


def test_the_host_overrides_a_setting():
    with override_settings(PEOPLE_IMPORT_MAX_BYTES=10, CERTIFICATIONS_IMPORT_MAX_BYTES=20):
        assert people_settings.PEOPLE_IMPORT_MAX_BYTES == 10
        assert certifications_settings.CERTIFICATIONS_IMPORT_MAX_BYTES == 20


def test_the_course_page_login_link_follows_the_host():
    with override_settings(COURSES_LOGIN_URL="/anmalan/"):
        assert login_url() == "/anmalan/"
    with override_settings(WAGTAIL_FRONTEND_LOGIN_URL="/konto/in/"):
        assert login_url() == "/konto/in/"
    with override_settings(WAGTAIL_FRONTEND_LOGIN_URL=None):
        assert login_url() == "/_util/login/"  # Wagtail's own, as for a restricted lesson
