"""Service pages in the top navigation and the shared Reports menu."""

from django.utils.translation import gettext_lazy as _

from crm_site.navigation import NavItem, add, add_setting, menu

menu("service", NavItem(_("Service"), "service:ticket-list", "life-preserver"), 30)
for order, item in enumerate(
    [
        NavItem(_("Ticket queue"), "service:ticket-list", "inbox", "service.view_ticket"),
        NavItem(_("New ticket"), "service:ticket-create", "plus-circle", "service.add_ticket"),
        NavItem(_("Callbacks"), "service:callback-list", "telephone-forward", "service.view_callback"),
        NavItem(_("Certificates"), "service:certificate-board", "award", "service.view_certificatecase"),
        NavItem(_("Escalations"), "service:escalation-list", "exclamation-octagon", "service.manage_service"),
    ]
):
    add("service", item, order * 10)
add("reports", NavItem(_("Service dashboard"), "service:dashboard", "speedometer2", "service.manage_service"), 60)
add_setting(
    NavItem(_("Satisfaction surveys"), "admin:service_survey_changelist", "clipboard-check", "service.add_survey"), 65
)
for order, item in enumerate(
    [
        NavItem(_("Service rules & callbacks"), "service:settings-rules", "sliders", "service.change_servicesettings"),
        NavItem(_("SLA policies"), "service:settings-policies", "stopwatch", "service.change_slapolicy"),
        NavItem(_("Working calendar"), "service:settings-days", "calendar3", "service.change_calendarday"),
        NavItem(_("Ticket categories"), "service:settings-categories", "diagram-2", "service.change_category"),
        NavItem(_("Certificate stages"), "service:settings-stages", "list-ol", "service.change_certificatestage"),
        NavItem(_("Warranty periods"), "service:settings-warranty", "shield-check", "service.change_warrantyperiod"),
    ]
):
    add_setting(item, 66 + order)
