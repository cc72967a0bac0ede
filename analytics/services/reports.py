"""Monthly management reports: figures (analytics.selectors.reports) → HTML with SVG charts → PDF (WeasyPrint),
kept in the archive (ManagementReport). Generated on the first of the month by Celery (crm_site/celery.py) for the
company and each active project, in both languages; or by hand from the report page.
"""

import base64
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from analytics import svg
from analytics.models import ManagementReport
from analytics.selectors.reports import report_figures
from crm_site.formatting import money, number
from sales.models import Project

logger = logging.getLogger(__name__)


def _svg_uri(markup: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode()


def render_pdf(*, month, project=None, language: str) -> tuple[bytes, int]:
    """The report as PDF bytes and its page count, in `language`."""
    from weasyprint import HTML

    with translation.override(language):
        figures = report_figures(month=month, project=project)
        charts = {
            "quadrants": _svg_uri(
                svg.bars([(str(label), float(count), number(count)) for label, count, _profit in figures["quadrants"]])
            ),
            "quadrant_profit": _svg_uri(
                svg.bars(
                    [(str(label), float(profit), money(profit, 0)) for label, _count, profit in figures["quadrants"]]
                )
            ),
            "money": _svg_uri(
                svg.bars(
                    [
                        (str(label), float(value), money(value, 0))
                        for label, value in (
                            (translation.gettext("Contracted amount"), figures["contract_amount"]),
                            (translation.gettext("Target for the month"), figures["target_amount"]),
                            (translation.gettext("Due in the month"), figures["due"]),
                            (translation.gettext("Received in the month"), figures["received"]),
                            (translation.gettext("Overdue at month end"), figures["overdue"]),
                        )
                    ]
                )
            ),
        }
        html = render_to_string("analytics/report_pdf.html", {**figures, "charts": charts, "language": language})
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
        return document.write_pdf(), len(document.pages)


def report_generate(*, month, project=None, language: str, by=None) -> ManagementReport:
    """Render and archive one report (an earlier one of the same month, project and language is replaced)."""
    started = time.monotonic()
    pdf, pages = render_pdf(month=month, project=project, language=language)
    for old in ManagementReport.objects.filter(month=month, project=project, language=language):
        old.pdf.delete(save=False)
        old.delete()
    report = ManagementReport(month=month, project=project, language=language, pages=pages, created_by=by)
    scope = project.code if project else "company"
    report.pdf.save(f"management-{month:%Y-%m}-{scope}-{language}.pdf", ContentFile(pdf), save=False)
    report.save()
    logger.info("management report %s %s %s: %d pages in %.1f s", month, scope, language, pages,
                time.monotonic() - started)  # fmt: skip
    return report


def monthly_reports_generate(*, month) -> list[ManagementReport]:
    """The company report and one per active project, in every language of the site."""
    reports = []
    for project in [None, *Project.objects.filter(active=True).order_by("name")]:
        for language, _name in settings.LANGUAGES:
            reports.append(report_generate(month=month, project=project, language=language))
    return reports
