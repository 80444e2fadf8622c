from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("ekspor.<str:fmt>", views.partner_export, name="export"),
    path("baru/", views.partner_create, name="create"),
    path("kategori/", views.category_list, name="categories"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/ubah/", views.partner_edit, name="edit"),
    path("<int:pk>/riwayat/", views.partner_history, name="history"),
    path("<int:pk>/perjanjian/baru/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/undang/", views.invitation_create, name="invite"),
    path("perjanjian/<int:pk>/ubah/", views.agreement_edit, name="agreement_edit"),
    path("perjanjian/<int:pk>/dokumen/", views.agreement_document, name="agreement_document"),
    path("undangan/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("impor/", views.import_upload, name="import"),
    path("impor/templat.xlsx", views.import_template, name="import_template"),
    path("impor/<int:pk>/", views.import_preview, name="import_preview"),
    path("impor/<int:pk>/simpan/", views.import_confirm, name="import_confirm"),
    path("impor/<int:pk>/batal/", views.import_cancel, name="import_cancel"),
]
