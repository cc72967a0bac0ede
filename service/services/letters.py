"""The status letter: the buyer's certificate stage and open tickets as a PDF (WeasyPrint), in their language."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from service.selectors.status import buyer_status


def status_letter_pdf(*, deal, language: str = "zh-hans") -> bytes:
    from weasyprint import HTML

    language = "zh-hans" if language.lower().startswith("zh") else "en"
    with translation.override(language):
        status = buyer_status(deal)
        html = render_to_string(
            "service/status_letter.html", {"status": status, "today": timezone.localdate(), "language": language}
        )
    return HTML(string=html).write_pdf()
