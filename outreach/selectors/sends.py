"""Sends and announcements: lists with their figures, a send's messages, an announcement's unreached recipients."""

from django.db.models import Count, Q, QuerySet

from outreach.models import Announcement, Message, Send
from outreach.selectors.messages import visible_messages


def _with_figures(sends: QuerySet) -> QuerySet:
    return sends.annotate(
        reached=Count("messages", filter=Q(messages__status__in=Message.REACHED)),
        not_reached=Count("messages", filter=Q(messages__status__in=Message.NOT_REACHED)),
    )


def send_list(*, search: str = "", status: str = "", campaign=None) -> QuerySet[Send]:
    """Sends to audiences (announcements have their own list), newest first, with reached / not reached counts."""
    sends = Send.objects.filter(announcement__isnull=True).select_related(
        "template", "campaign", "created_by", "announcement"
    )
    if search:
        sends = sends.filter(Q(name__icontains=search) | Q(audience_label__icontains=search))
    if status:
        sends = sends.filter(status=status)
    if campaign is not None:
        sends = sends.filter(campaign=campaign)
    return _with_figures(sends).order_by("-created_at", "-id")


def send_messages(*, user, send: Send, status: str = "") -> QuerySet[Message]:
    """The send's messages to customers `user` may see."""
    messages = visible_messages(user).filter(send=send).select_related("customer")
    if status:
        messages = messages.filter(status=status)
    return messages.order_by("pk")


def announcement_list(*, project=None, search: str = "") -> QuerySet[Announcement]:
    announcements = Announcement.objects.select_related("send", "project", "building", "send__created_by")
    if project is not None:
        announcements = announcements.filter(project=project)
    if search:
        announcements = announcements.filter(
            Q(send__name__icontains=search) | Q(send__subject_en__icontains=search) | Q(project__name__icontains=search)
        )
    return announcements.annotate(
        reached=Count("send__messages", filter=Q(send__messages__status__in=Message.REACHED)),
        not_reached=Count("send__messages", filter=Q(send__messages__status__in=Message.NOT_REACHED)),
    ).order_by("-send__created_at", "-id")


def announcement_unreached(*, user, announcement: Announcement) -> QuerySet[Message]:
    """Recipients the announcement did not reach (no address, failed, bounced): staff call them."""
    return (
        visible_messages(user)
        .filter(send=announcement.send, status__in=Message.NOT_REACHED)
        .select_related("customer__owner")
        .order_by("customer__name", "pk")
    )
