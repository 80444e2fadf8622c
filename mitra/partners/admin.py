from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Partner, PartnerCategory


@admin.register(PartnerCategory)
class PartnerCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "office", "order"]
    list_filter = ["office"]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "category", "status", "office"]
    list_filter = ["office", "status", "category"]
    search_fields = ["name", "code"]
    filter_horizontal = ["segments"]
    raw_id_fields = ["areas"]
