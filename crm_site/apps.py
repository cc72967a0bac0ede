from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmSiteConfig(AppConfig):
    name = "crm_site"
    verbose_name = _("CRM settings and people")

    def ready(self):
        from django.db.models.signals import post_migrate

        from crm_site import audit, auth, languages, lookups, signals  # noqa: F401  (connect receivers, register lookups)

        post_migrate.connect(signals.create_roles, dispatch_uid="crm_site.create_roles")
