from django.urls import path

from . import views

urlpatterns = [
    path("min-utbildning/", views.my_training, name="my_training"),
    path("min-utbildning/mina-uppgifter/", views.my_data, name="my_data"),
]
