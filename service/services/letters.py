"""The status letter: the buyer's certificate stage and open tickets as a PDF (WeasyPrint), in their language;
e-mailed (through outreach's messaging module, the PDF attached) only when the buyer agreed to letters by e-mail.
On a stage change it is rendered and sent by a Celery task after commit (a building's bulk move stays fast)."""

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from service.selectors.status import buyer_status

LETTER_TEMPLATE = "service.status_letter"
STAGE_TEMPLATE = "service.certificate_stage"


def status_letter_pdf(*, deal, language: str = "zh-hans") -> bytes:
    from weasyprint import HTML

    language = "zh-hans" if language.lower().startswith("zh") else "en"
    with translation.override(language):
        status = buyer_status(deal)
        html = render_to_string(
            "service/status_letter.html", {"status": status, "today": timezone.localdate(), "language": language}
        )
    return HTML(string=html).write_pdf()


def letter_refusal(case) -> str:
    """Why the letter may not be e-mailed to the buyer of `case`, or ""."""
    if not case.letter_consent:
        return _("The buyer has not agreed to receive letters by e-mail.")
    if not case.customer.email:
        return _("The buyer has no e-mail address.")
    return ""


def status_letter_send(*, case, by=None, stage_change: bool = False):
    """E-mail the status letter (PDF attached, in the buyer's language) through outreach's messaging module.
    On a stage change the message is the stage news and is sent once per stage; staff may send it any time."""
    from outreach.models import Channel
    from outreach.services.messages import message_send

    refusal = letter_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    stage = case.stage
    context = {
        "stage_name": stage.name_en if stage else "",
        "stage_zh": (stage.name_zh or stage.name_en) if stage else "",
        "unit_name": str(case.unit),
        "contract_no": case.deal.contract_no,
    }
    dedupe = f"certificate:{case.pk}:{case.stage_id}" if stage_change else ""
    return message_send(
        template=STAGE_TEMPLATE if stage_change else LETTER_TEMPLATE,
        customer=case.customer,
        channel=Channel.EMAIL,
        language=case.language,
        context=context,
        dedupe_key=dedupe,
        by=by,
        attachment=(
            f"status-{case.deal.contract_no or case.deal_id}.pdf",
            status_letter_pdf(deal=case.deal, language=case.language),
            "application/pdf",
        ),
    )
