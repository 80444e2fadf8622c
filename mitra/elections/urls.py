from django.urls import path

from . import views

app_name = "elections"

urlpatterns = [
    path("tahapan/", views.stage_list, name="stages"),
    path("pemilihan/<int:election_id>/tahapan/baru/", views.stage_edit, name="stage_create"),
    path(
        "pemilihan/<int:election_id>/tahapan/<int:stage_id>/", views.stage_edit, name="stage_edit"
    ),
]
