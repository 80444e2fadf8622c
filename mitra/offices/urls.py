from django.urls import path

from . import views

app_name = "offices"

urlpatterns = [path("kantor/<slug:slug>/logo", views.logo, name="logo")]
