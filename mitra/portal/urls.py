from django.urls import path

from . import home, network, views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from .sitemaps import sitemap_xml

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("berita/", views.article_list, name="articles"),
    path("berita/rss.xml", LatestArticlesFeed(), name="feed_rss"),
    path("berita/atom.xml", LatestArticlesAtomFeed(), name="feed_atom"),
    path("berita/<slug:slug>/", views.article, name="article"),
    path("berita/<slug:slug>/gambar", views.article_image, name="article_image"),
    path("kelola/berita/", views.staff_articles, name="staff_articles"),
    path("kelola/berita/baru/", views.staff_article_new, name="staff_article_new"),
    path("kelola/berita/<int:pk>/", views.staff_article_edit, name="staff_article_edit"),
    path("kelola/profil-kantor/", views.staff_office_profile, name="staff_office_profile"),
    path("kelola/materi/", views.staff_materials, name="staff_materials"),
    path(
        "kelola/materi/<int:pk>/versi/",
        views.staff_material_version,
        name="staff_material_version",
    ),
    path("tahapan/", views.timeline, name="timeline"),
    path("cara-memilih/", views.how_to_vote, name="how_to_vote"),
    path("direktori-mitra/", views.partner_directory, name="partners"),
    path("agenda/", views.calendar, name="calendar"),
    path("direktori-mitra/<int:pk>/", views.partner_page, name="partner"),
    path("agenda/bulan/", views.calendar_month, name="calendar_month"),
    path("agenda/kalender.ics", views.calendar_ics, name="calendar_ics"),
    path("agenda/<int:pk>/", views.activity_detail, name="activity"),
    path("agenda/<int:pk>/kalender.ics", views.activity_ics, name="activity_ics"),
    path("materi/", views.materials, name="materials"),
    path("wilayah/", network.network, name="network"),
    path("materi/unduh/<int:version_id>/", views.material_download, name="material_download"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
