"""Staff notifications: in-app (the bell in the navigation bar), plus an e-mail copy for those who want one."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from outreach.models import Channel, Kind, Message, MessageTemplate, NotificationSetting
from outreach.services.messages import content_of, message_send

User = get_user_model()


def wants_email(user) -> bool:
    setting = NotificationSetting.objects.filter(user=user).first()
    return setting.email if setting is not None else True


def notify(
    *, user, template: MessageTemplate | str, context: dict | None = None, link: str = "", dedupe_key: str = ""
) -> Message | None:
    """Tell staff member `user` something (in-app, and by e-mail when they have an address and want it), in
    their own language (crm_site.languages.staff_language).

    `template` is a template or a key (outreach.defaults registers the keys code uses); `context` holds the
    merge values (plain values only); `link` is the page the notification opens. Nothing is sent for an
    inactive user or a template an admin switched off. With `dedupe_key` the same notice is given once.
    """
    if not user.is_active:
        return None
    try:
        content = content_of(template)
    except ValidationError:  # an admin switched the template off: nobody is told
        return None
    fields = {"template": content, "user": user, "context": context, "link": link, "kind": Kind.SERVICE}
    message = message_send(channel=Channel.IN_APP, dedupe_key=dedupe_key, **fields)
    if user.email and wants_email(user):
        message_send(channel=Channel.EMAIL, dedupe_key=f"{dedupe_key}:email" if dedupe_key else "", **fields)
    return message


def notify_permission(*, permission: str, template: MessageTemplate | str, context=None, link="", dedupe_key="") -> int:
    """Notify every active user holding `permission` (and superusers); returns how many were told."""
    app_label, codename = permission.split(".", 1)
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    # With their profiles: each is told in their own language (message_send reads it).
    users = User.objects.filter(Q(is_superuser=True) | holds, is_active=True).select_related("staff").distinct()
    told = 0
    for user in users:
        key = f"{dedupe_key}:{user.pk}" if dedupe_key else ""
        if notify(user=user, template=template, context=context, link=link, dedupe_key=key) is not None:
            told += 1
    return told


def notification_read(*, message: Message, user) -> Message:
    """Mark one of `user`'s notifications read (reading it again changes nothing)."""
    Message.objects.filter(pk=message.pk, user=user, channel=Channel.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    message.refresh_from_db(fields=["read_at"])
    return message


def notifications_read_all(*, user) -> int:
    return Message.objects.filter(user=user, channel=Channel.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_setting_save(*, user, email: bool) -> NotificationSetting:
    setting, _created = NotificationSetting.objects.update_or_create(user=user, defaults={"email": email})
    return setting
