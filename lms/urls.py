import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from jour_core.passwordreset import PasswordResetView
from people import views as people_views

urlpatterns = [
    # Wagtail's site history and page types usage reports show every organisation's changes
    # and pages: the umbrella administrator's only. These come before (and shadow) Wagtail's.
    *(
        path(f"admin/{route}", view, name=name)
        for route, name, _menu_item, view in people_views.UMBRELLA_ONLY_REPORTS
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset answers the same, in the same time, whether the address is known or not
    # (the mail is sent after the answer), and is rate-limited: jour_core/passwordreset.py.
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("konto/", include("jour_core.urls")),
    path("kurser/", include("courses.urls")),
    path("kvalitet/", include("quality.urls")),
    # Certificates: the public check of a code, and the holder's download.
    path("intyg/", include("certifications.urls")),
    path("", include("home.urls")),
]

if settings.DEBUG:
    from django.views.static import serve as serve_media

    # Images only, in development: documents are served through Wagtail's view, which checks who
    # may read them (people/documents.py); their files must never be served straight from disk.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>(?:original_images|images)/.*)$",
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [
    # Everything else is a Wagtail page; this must come last.
    path("", include(wagtail_urls)),
]
