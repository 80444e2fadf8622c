from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("permintaan/", views.request_new, name="request"),
    path("permintaan/<str:token>/", views.code, name="code"),
    path("permintaan/<str:token>/data/", views.data, name="data"),
    path("permintaan/<str:token>/data.<str:fmt>", views.download, name="download"),
    path("permintaan/<str:token>/tarik/<int:record_id>/", views.withdraw, name="withdraw"),
    path("permintaan/<str:token>/lanjut/", views.follow_up, name="follow_up"),
    path("staf/", views.queue, name="queue"),
    path("staf/<int:pk>/", views.detail, name="detail"),
    path("staf/pengaturan/", views.settings_page, name="settings"),
    path("staf/pemrosesan/", views.processing, name="processing"),
]
