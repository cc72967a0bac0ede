"""Message templates (read): what a system may send with POST /outreach/messages/."""

import datetime

from django.db.models import Q
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from crm_site.api.common import PageNumberPagination
from outreach import defaults
from outreach.models import Kind, MessageTemplate

router = Router(tags=["outreach"])


class TemplateOut(Schema):
    key: str
    name: str
    kind: str
    channel: str
    subject_en: str
    subject_zh: str
    body_en: str
    body_zh: str
    active: bool
    updated_at: datetime.datetime | None
    builtin: bool = Field(description="A default text the CRM relies on, not customised yet.")

    @staticmethod
    def resolve_builtin(obj):
        return obj.pk is None


class TemplateFilter(Schema):
    q: str = Field("", max_length=60)
    kind: Kind | None = None


def _may_read(request) -> None:
    user = request.user
    if not (user.has_perm("outreach.view_messagetemplate") or user.has_perm("outreach.send_message")):
        raise HttpError(403, "Your role may not use this endpoint.")


@router.get("/", response={200: list[TemplateOut]})
@paginate(PageNumberPagination, page_size=50)
def list_templates(request, filters: Query[TemplateFilter]):
    """Saved templates, active ones first (the built-in defaults are listed under GET /{key}/)."""
    _may_read(request)
    templates = MessageTemplate.objects.all()
    if filters.q:
        templates = templates.filter(Q(name__icontains=filters.q) | Q(key__icontains=filters.q))
    if filters.kind:
        templates = templates.filter(kind=filters.kind)
    return templates.order_by("-active", "name", "pk")


@router.get("/{key}/", response={200: TemplateOut})
def get_template(request, key: str):
    """A saved template by key, or the built-in default of that key."""
    _may_read(request)
    key = key[:60].replace("\x00", "")
    template = MessageTemplate.objects.filter(key=key).first() or defaults.default(key)
    if template is None:
        raise HttpError(404, "No template has this key.")
    return template
