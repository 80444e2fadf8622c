from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.log, name="log"),
    path("<int:pk>/kirim-ulang/", views.resend, name="resend"),
    path("jam-tenang/", views.quiet_hours, name="quiet_hours"),
    path("templat/", views.templates, name="templates"),
    path("templat/<slug:kind>/<slug:language>/", views.template_edit, name="template_edit"),
    path("kotak-masuk/", views.inbox, name="inbox"),
    path("berhenti/<str:token>/", views.optout, name="optout"),
    path("ingatkan-saya/", views.signup, name="signup"),
    path("webhook/whatsapp/", views.whatsapp_webhook, name="whatsapp_webhook"),
]
