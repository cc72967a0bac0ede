"""Sections of sales pages: a campaign's sends (its reach counts in the campaign's ROI), a project's announcements."""

from django.db.models import Count, Q

from outreach.models import Announcement, Message, Send
from sales.sections import CAMPAIGN_SECTIONS, PROJECT_SECTIONS


def campaign_sends(campaign, user) -> dict | None:
    if not user.has_perm("outreach.view_send"):
        return None
    sends = list(
        Send.objects.filter(campaign=campaign)
        .annotate(
            sent=Count("messages", filter=Q(messages__status__in=Message.REACHED)),
            not_reached=Count("messages", filter=Q(messages__status__in=Message.NOT_REACHED)),
        )
        .order_by("-created_at")[:20]
    )
    return {"campaign": campaign, "sends": sends, "reached": sum(send.sent for send in sends)}


def project_announcements(project, user) -> dict | None:
    if not user.has_perm("outreach.view_announcement"):
        return None
    announcements = list(
        Announcement.objects.filter(project=project)
        .select_related("send", "building")
        .annotate(
            reached=Count("send__messages", filter=Q(send__messages__status__in=Message.REACHED)),
            not_reached=Count("send__messages", filter=Q(send__messages__status__in=Message.NOT_REACHED)),
        )
        .order_by("-send__created_at")[:10]
    )
    return {"project": project, "announcements": announcements, "may_add": user.has_perm("outreach.add_announcement")}


CAMPAIGN_SECTIONS.register("outreach", "outreach/_campaign_section.html", campaign_sends, order=50)
PROJECT_SECTIONS.register("outreach", "outreach/_project_section.html", project_announcements, order=50)
