from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("berkas/<int:pk>/", views.job, name="job"),
    path("berkas/<int:pk>/progres/", views.job_progress, name="job_progress"),
    path("berkas/<int:pk>/unduh/", views.job_download, name="download"),
    path("foto/<int:activity_id>/", views.photos, name="photos"),
    path("mitra/", views.scorecard_list, name="scorecards"),
    path("mitra/<int:partner_id>/", views.scorecard, name="scorecard"),
    path("mitra/<int:partner_id>/ringkas/", views.scorecard_card, name="scorecard_card"),
    path("mitra/<int:partner_id>/pdf/", views.scorecard_pdf, name="scorecard_pdf"),
    path("mitra/<int:partner_id>/piagam/", views.certificate_issue, name="certificate_issue"),
    path(
        "kegiatan/<int:activity_id>/piagam/",
        views.activity_certificates,
        name="activity_certificates",
    ),
    path("piagam/kop/", views.letterhead, name="letterhead"),
    path("piagam/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("piagam/<int:pk>/cabut/", views.certificate_revoke, name="certificate_revoke"),
    path("verifikasi/<str:signed>/", views.verify, name="verify"),
]
