from django.urls import path

from . import views

app_name = "checkin"

urlpatterns = [
    path("pindai/", views.scanner, name="scanner"),
    path("kegiatan/<int:activity_id>/", views.manage, name="manage"),
    path("kegiatan/<int:activity_id>/poster.pdf", views.poster, name="poster"),
    path("kegiatan/<int:activity_id>/jumlah/", views.live_counts, name="live_counts"),
    path("kegiatan/<int:activity_id>/ekspor.<str:fmt>", views.export, name="export"),
    path("tiket/<str:secret>/", views.ticket, name="ticket"),
    path("konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("<str:token>/daftar/", views.register, name="register"),
    path("<str:token>/", views.self_checkin, name="self"),
]
