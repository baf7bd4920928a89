""" "Your data": overview, JSON download, account deletion (``profiles`` namespace)."""

from django.urls import path

from .views import data as views

urlpatterns = [
    path("account/data/", views.data_overview, name="data"),
    path("account/data/download/", views.data_download, name="data_download"),
    path("account/data/delete/", views.data_delete, name="data_delete"),
    path("account/data/deleted/", views.data_deleted, name="data_deleted"),
]
