from django.urls import path

from . import views

app_name = "elections"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("<int:pk>/ubah/", views.programme_edit, name="programme_edit"),
    path("<int:programme_id>/pemilihan/baru/", views.election_edit, name="election_create"),
    path("<int:programme_id>/pemilihan/<int:pk>/ubah/", views.election_edit, name="election_edit"),
    path("tahapan/", views.stage_list, name="stages"),
    path("tahapan/baru/", views.stages_create, name="stages_create"),
    path("pemilihan/<int:election_id>/tahapan/baru/", views.stage_edit, name="stage_create"),
    path(
        "pemilihan/<int:election_id>/tahapan/<int:stage_id>/", views.stage_edit, name="stage_edit"
    ),
    path("segmen/", views.segment_list, name="segments"),
    path("segmen/<int:pk>/ubah/", views.segment_edit, name="segment_edit"),
    path("kantor-baru/", views.office_onboard, name="office_onboard"),
]
