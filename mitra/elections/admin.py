from django.contrib import admin

from .models import Election, Programme, Segment, Stage, Theme


class StageInline(admin.TabularInline):
    model = Stage
    extra = 1


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 1


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "voting_day", "is_current"]
    list_filter = ["office", "is_current"]
    inlines = [ThemeInline]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "voting_day"]
    list_filter = ["office", "kind"]
    raw_id_fields = ["region"]
    inlines = [StageInline]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "office", "min_age", "max_age", "order"]
    list_filter = ["office"]
