from django.db import models


class ScopedQuerySet(models.QuerySet):
    """Queryset of owned rows; subclasses name the owner (and project) field of the scope rule."""

    scope_owner_field = "owner"
    scope_project_field: str | None = None

    def visible_to(self, user):
        from crm_site.scope import related_q, scope_q  # scope imports the models that use this class

        q = scope_q(user, owner_field=self.scope_owner_field, project_field=self.scope_project_field)
        extra = related_q(user, self.model._meta.label)
        return self.filter(q | extra if extra is not None else q)
