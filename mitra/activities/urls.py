from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("kalender/", views.activity_calendar, name="calendar"),
    path("kalender.ics", views.ical, name="ical"),
    path("antrean/", views.review_queue, name="queue"),
    path("terlambat/", views.overdue_list, name="overdue"),
    path("baru/", views.activity_new, name="new"),
    path("baru/kelurahan/", views.kelurahan_options, name="kelurahan_options"),
    path("metode/", views.method_list, name="methods"),
    path("metode/<int:pk>/ubah/", views.method_edit, name="method_edit"),
    path("pendekatan/", views.approach_list, name="approaches"),
    path("pendekatan/<int:pk>/ubah/", views.approach_edit, name="approach_edit"),
    path("pendekatan/<int:pk>/hapus/", views.approach_delete, name="approach_delete"),
    path("tema/", views.theme_list, name="themes"),
    path("tema/<int:pk>/ubah/", views.theme_edit, name="theme_edit"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/ubah/", views.activity_edit, name="edit"),
    path("<int:pk>/aksi/<slug:action>/", views.activity_action, name="action"),
    path("<int:pk>/laporan/", views.report_form, name="report"),
    path("<int:pk>/daftar-hadir/", views.sheet_file, name="sheet"),
    path("<int:pk>/foto/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/foto/<int:evidence_id>/", views.photo_file, name="photo"),
    path("<int:pk>/foto/<int:evidence_id>/hapus/", views.photo_delete, name="photo_delete"),
]
