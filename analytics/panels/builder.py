"""The report builder in the navigation (Reports → Report builder), its role grants, and the e-mail template the
scheduled reports are sent with (outreach.defaults: admins may reword it, never lose it)."""

from django.utils.translation import gettext_lazy as _

from crm_site.navigation import NavItem, add
from crm_site.roles import grant
from outreach import defaults
from outreach.models import Channel, Kind

VIEW = "analytics.view_savedreport"  # run the reports shared with one's team, in one's own scope
BUILD = "analytics.build_report"  # build, save, share, export and schedule reports

add("reports", NavItem(_("Report builder"), "analytics:builder-list", "table", VIEW), 4)

grant("sales_rep", VIEW)
grant("sales_manager", VIEW, BUILD)
grant("service_manager", VIEW, BUILD)
grant("marketing", VIEW, BUILD)
grant("executive", VIEW, BUILD)
grant("admin", VIEW, BUILD)

defaults.register(
    "analytics.scheduled_report",
    name="Scheduled report (to staff)",
    kind=Kind.SERVICE,
    channel=Channel.EMAIL,
    subject_en="Report: {{ report_name }} ({{ period }})",
    subject_zh="报表：{{ report_name }}（{{ period }}）",
    body_en="The report “{{ report_name }}” for {{ period }} is attached ({{ rows }} rows, within your data scope).",
    body_zh="附件为报表“{{ report_name }}”（{{ period }}），共 {{ rows }} 行，仅含您数据权限范围内的记录。",
)
