"""The authentication backend: Django's ModelBackend with the two reads every page repeats made cheap.

- The user is loaded with its staff profile (one query instead of two: the data scope reads the profile on
  every page, crm_site.scope; its language is there too, for crm_site.languages at login).
- The permission set (two queries: the user's own permissions and their groups') is kept in the cache per user
  and dropped whenever something it is made of changes: the user's groups or permissions, a group's permissions,
  the user row itself (active, superuser), a group or permission deleted (the signals below). PERMISSION_CACHE_SECONDS
  bounds how long a missed change could live; pages still check each permission with `has_perm`, as before.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

User = get_user_model()


def permission_key(user_id) -> str:
    return f"crm:perms:{user_id}"


def forget_permissions(user_ids) -> None:
    """Drop the cached permission sets of these users (the next page reads them from the database)."""
    keys = [permission_key(user_id) for user_id in user_ids]
    if keys:
        cache.delete_many(keys)


class CrmModelBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("staff").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = permission_key(user_obj.pk)
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, settings.PERMISSION_CACHE_SECONDS)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache


def _users_of_groups(group_ids) -> list[int]:
    return list(User.objects.filter(groups__in=group_ids).values_list("pk", flat=True).distinct())


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def _user_links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # user.groups.add(...) / user.user_permissions.set(...)
        forget_permissions([instance.pk])
    elif isinstance(instance, Group):  # group.user_set.add(users)
        forget_permissions(pk_set or _users_of_groups([instance.pk]))
    else:  # permission.user_set.add(users)
        forget_permissions(pk_set or instance.user_set.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Group.permissions.through)
def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # group.permissions.set(...)
        forget_permissions(_users_of_groups([instance.pk]))
    else:  # permission.group_set.add(groups)
        forget_permissions(_users_of_groups(pk_set or instance.group_set.values_list("pk", flat=True)))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance, **kwargs):
    forget_permissions([instance.pk])


@receiver(pre_delete, sender=Group)
def _group_deleted(sender, instance, **kwargs):
    forget_permissions(_users_of_groups([instance.pk]))


@receiver(pre_delete, sender=Permission)
def _permission_deleted(sender, instance, **kwargs):
    users = set(instance.user_set.values_list("pk", flat=True))
    users.update(_users_of_groups(instance.group_set.values_list("pk", flat=True)))
    forget_permissions(users)
