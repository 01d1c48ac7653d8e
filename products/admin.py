"""Django admin for staff: read-only. Reviews go through /staff/products/ so they are audited."""

from django.contrib import admin

from institutions.admin import ReadOnlyAdmin

from .models import Article, NavPrice, Product, ProductEvent, ProductRevision


class EventInline(admin.TabularInline):
    model = ProductEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "created_at",
        "actor",
        "kind",
        "from_status",
        "to_status",
        "reason",
        "changes",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["name", "institution", "kind", "risk_level", "status", "latest_nav_date"]
    list_filter = ["status", "kind", "risk_level"]
    search_fields = ["name", "code", "institution__name"]
    list_select_related = ["institution"]
    inlines = [EventInline]


@admin.register(NavPrice)
class NavPriceAdmin(ReadOnlyAdmin):
    list_display = ["product", "date", "nav"]
    list_select_related = ["product"]
    date_hierarchy = "date"


@admin.register(ProductRevision)
class ProductRevisionAdmin(ReadOnlyAdmin):
    list_display = ["product", "status", "submitted_by", "submitted_at", "reviewed_by"]
    list_filter = ["status"]


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "institution", "kind", "status", "published_at"]
    list_filter = ["status", "kind"]
