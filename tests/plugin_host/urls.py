"""The plugin host's URLs: Wagtail's, the courses', quality's and certifications' member URLs, Django's
own admin where ``wagtail start`` puts it, and a login page of its own."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sign-in/", auth_views.LoginView.as_view(), name="sign_in"),
    path("training/", include("courses.urls")),
    path("quality/", include("quality.urls")),
    path("certificates/", include("certifications.urls")),
    path("", include(wagtail_urls)),
]
