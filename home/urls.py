from django.urls import path

from . import views

urlpatterns = [
    path("min-utbildning/", views.my_training, name="my_training"),
    path("min-utbildning/mina-uppgifter/", views.my_data_page, name="my_data_page"),
    path("min-utbildning/mina-uppgifter.json", views.my_data, {"fmt": "json"}, name="my_data"),
    path("min-utbildning/mina-uppgifter.pdf", views.my_data, {"fmt": "pdf"}, name="my_data_pdf"),
]
