"""Project announcements: a design change, a delivery date, a municipal change, told to every buyer (and tenant).

An announcement is a service send (no consent needed: buyers must be told) to the audience "project_buyers",
with its own text in both languages. Buyers without an e-mail address get a "No address" message on their
timeline, and the project page lists them, with those whose e-mail failed, so staff can call them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach import merge
from outreach.models import Announcement, Kind, MessageTemplate
from outreach.services.sends import send_save, send_start

AUDIENCE = "project_buyers"


@transaction.atomic
def announcement_create(
    *,
    by,
    project,
    category: str,
    subject_en: str,
    body_en: str,
    subject_zh: str = "",
    body_zh: str = "",
    building=None,
    include_tenants: bool = False,
    language: str = "zh-hans",
) -> Announcement:
    """A draft announcement to the buyers of `project` (or one of its buildings); send it with announcement_send."""
    if building is not None and building.project_id != project.pk:
        raise ValidationError({"building": _("This building is not in the chosen project.")})
    if category not in Announcement.Category.values:
        raise ValidationError({"category": _("Choose what the announcement is about.")})
    if not (subject_en or subject_zh).strip() or not (body_en or body_zh).strip():
        raise ValidationError(_("Write a subject and a text in at least one language."))
    params = {"project": str(project.pk), "building": str(building.pk) if building else "", "tenants": include_tenants}
    subjects = MessageTemplate(subject_en=subject_en, subject_zh=subject_zh)
    place = {"project": project.name, "building": building.name if building else ""}
    send = send_save(
        by=by,
        name=merge.Renderer(subjects, language).render(place).subject or subject_en or subject_zh,
        audience=AUDIENCE,
        audience_params=params,
        language=language,
        kind=Kind.SERVICE,
        text={"subject_en": subject_en, "subject_zh": subject_zh, "body_en": body_en, "body_zh": body_zh},
    )
    return Announcement.objects.create(
        send=send, project=project, building=building, category=category, include_tenants=include_tenants
    )


def announcement_send(*, announcement: Announcement, by) -> Announcement:
    """Send it now to everyone it concerns (once each, however often this is called)."""
    send_start(send=announcement.send, by=by)
    announcement.send.refresh_from_db()
    return announcement
