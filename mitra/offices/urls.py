from django.urls import path

from . import views

app_name = "offices"

urlpatterns = [
    path("kantor/<slug:slug>/logo", views.logo, name="logo"),
    path("kantor/<slug:slug>/gambar-pratinjau", views.share_image, name="share_image"),
    path("kantor/<slug:slug>/warna.css", views.colours, name="colours"),
]
