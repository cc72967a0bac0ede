from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_staff_profile(sender, instance, created, raw=False, **kwargs):
    """Every user gets a staff profile, so scope and team lookups never meet a missing one."""
    if created and not raw:
        from crm_site.models import StaffProfile

        StaffProfile.objects.get_or_create(user=instance)


def create_roles(sender, app_config=None, using="default", **kwargs):
    """After migrate, make sure each role's group exists (with its defaults when new)."""
    if app_config is None or app_config.name != "crm_site":
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from crm_site.roles import sync_roles

    # Permissions of apps later in INSTALLED_APPS are created after this signal; make them now.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles(grant_missing=False)
