from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, EnterpriseAgent, Organisation, StaffRole, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "real_name", "kind", "organisation", "is_active")
    list_filter = ("kind", "is_active", "organisation")
    search_fields = ("username", "real_name")
    readonly_fields = ("masked_id_number",)
    fieldsets = (
        (None, {"fields": ("username", "password", "kind", "real_name", "masked_id_number", "organisation")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )

    @admin.display(description=_("resident identity number"))
    def masked_id_number(self, obj: User) -> str:
        return obj.id_number_masked


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name", "name_en")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "granted_at")
    list_filter = ("role",)


class AgentInline(admin.TabularInline):
    model = EnterpriseAgent
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("credit_code", "name", "legal_representative")
    search_fields = ("credit_code", "name")
    inlines = [AgentInline]
