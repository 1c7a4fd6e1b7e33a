from django.urls import path

from . import views

urlpatterns = [
    path("min-utbildning/", views.my_training, name="my_training"),
]
