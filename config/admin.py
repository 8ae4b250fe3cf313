"""What every app's admin shares: tables the admin only reads (kept by the hub's own writers,
or changed only through a page whose service checks who may)."""


class NoAddOrChangeAdmin:
    """Mixed into a ModelAdmin or inline: rows are listed and viewed, never added or changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoAddOrChangeAdmin):
    """As `NoAddOrChangeAdmin`, and never deleted here either."""

    def has_delete_permission(self, request, obj=None):
        return False
