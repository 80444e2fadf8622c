from django.urls import path

from . import rollup_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("grafik/<slug:name>.svg", views.chart_svg, name="chart"),
    path("ekspor/<slug:table>/", views.export, name="export"),
    path("wilayah/<str:code>/", views.area_detail, name="area"),
    path("celah/", views.gaps_view, name="gaps"),
    path("selisih-kehadiran/", views.attendance_differences, name="attendance"),
    path("celah/mitra/", views.my_gaps, name="my_gaps"),
    path("target/", views.targets, name="targets"),
    path("segmen/", views.segment_shares, name="segments"),
    path("segmen/<int:pk>/ubah/", views.segment_share_edit, name="segment_edit"),
    path("target/<int:pk>/ubah/", views.target_edit, name="target_edit"),
    path("target/<int:pk>/hapus/", views.target_delete, name="target_delete"),
    path("impor/<int:pk>/", views.import_preview, name="import_preview"),
    path("impor/<int:pk>/simpan/", views.import_confirm, name="import_confirm"),
    path("impor/<slug:kind>/", views.import_start, name="import"),
    path("impor/<slug:kind>/templat/", views.import_template, name="import_template"),
    path("ringkasan/", views.public_summary, name="summary"),
    path("nasional/", rollup_views.national, name="national"),
    path("rekap/", rollup_views.rollup, name="rollup"),
    path("rekap/celah/", rollup_views.rollup_gaps, name="rollup_gaps"),
    path("rekap/mitra/", rollup_views.rollup_partners, name="rollup_partners"),
    path("rekap/kegiatan/", rollup_views.rollup_activities, name="rollup_activities"),
]
