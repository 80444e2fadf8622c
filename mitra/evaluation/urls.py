from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.turnout, name="turnout"),
    path("publik/", views.public_turnout, name="public"),
    path("rancangan/", views.plan, name="plan"),
]
