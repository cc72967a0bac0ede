"""Project announcements: list them with their reach, create one (and send it)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from crm_site.api.common import PageNumberPagination, require_perm
from outreach.api.common import invalid
from outreach.models import Announcement
from outreach.selectors import sends as selectors
from outreach.services import announcement_create, announcement_send
from sales.models import Building, Project

router = Router(tags=["outreach"])


class AnnouncementOut(Schema):
    id: int
    project_id: int
    building_id: int | None
    category: str
    include_tenants: bool
    status: str = Field(alias="send.status")
    language: str = Field(alias="send.language")
    subject_en: str = Field(alias="send.subject_en")
    subject_zh: str = Field(alias="send.subject_zh")
    body_en: str = Field(alias="send.body_en")
    body_zh: str = Field(alias="send.body_zh")
    created_at: datetime.datetime = Field(alias="send.created_at")
    sent_at: datetime.datetime | None = Field(alias="send.started_at")
    reached: int = Field(0, description="Recipients whose e-mail was sent or delivered.")
    not_reached: int = Field(0, description="No e-mail address, failed or bounced: staff should call them.")


class AnnouncementIn(Schema):
    project_id: int = Field(ge=1, le=2**62)
    building_id: int | None = Field(None, ge=1, le=2**62)
    category: Announcement.Category = Announcement.Category.OTHER
    include_tenants: bool = False
    language: str = Field("zh-hans", pattern=r"^(en|zh-hans)$")
    subject_en: str = Field("", max_length=200)
    subject_zh: str = Field("", max_length=200)
    body_en: str = Field("", max_length=10_000)
    body_zh: str = Field("", max_length=10_000)
    send: bool = Field(True, description="Send at once (false: keep it as a draft to review on its page).")


class AnnouncementFilter(Schema):
    project_id: int | None = Field(None, ge=1, le=2**62)


@router.get("/", response={200: list[AnnouncementOut]})
@paginate(PageNumberPagination, page_size=50)
def list_announcements(request, filters: Query[AnnouncementFilter]):
    require_perm(request, "outreach.view_announcement")
    project = Project.objects.filter(pk=filters.project_id).first() if filters.project_id else None
    if filters.project_id and project is None:
        return Announcement.objects.none()
    return selectors.announcement_list(project=project)


@router.get("/{int:announcement_id}/", response={200: AnnouncementOut})
def get_announcement(request, announcement_id: int):
    require_perm(request, "outreach.view_announcement")
    announcement = selectors.announcement_list().filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404
    return announcement


@router.post("/", response={201: AnnouncementOut})
def create_announcement(request, payload: AnnouncementIn):
    """Tell the buyers (and tenants, if asked) of a project or building; they are reached in your data scope."""
    require_perm(request, "outreach.add_announcement")
    project = Project.objects.filter(pk=payload.project_id).first()
    if project is None:
        raise invalid("Invalid announcement.", ValidationError({"project_id": ["Unknown project."]}))
    building = None
    if payload.building_id is not None:
        building = Building.objects.filter(pk=payload.building_id).first()
        if building is None:
            raise invalid("Invalid announcement.", ValidationError({"building_id": ["Unknown building."]}))
    try:
        announcement = announcement_create(
            by=request.user,
            project=project,
            building=building,
            category=payload.category,
            include_tenants=payload.include_tenants,
            language=payload.language,
            subject_en=payload.subject_en,
            subject_zh=payload.subject_zh,
            body_en=payload.body_en,
            body_zh=payload.body_zh,
        )
        if payload.send:
            announcement_send(announcement=announcement, by=request.user)
    except ValidationError as error:
        raise invalid("Invalid announcement.", error) from None
    return Status(201, selectors.announcement_list().get(pk=announcement.pk))
