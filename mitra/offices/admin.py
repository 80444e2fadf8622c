from django.contrib import admin

from .models import Office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region"]
    raw_id_fields = ["region"]
    prepopulated_fields = {"slug": ["name"]}
