"""Who may do what in service, and whom service staff reach.

Service staff work on the buyers, owners and tenants of the projects they serve, not on files they own: a
customer holding a contract or a lease in a covered project, or a ticket there or assigned to the user, is in
their scope (crm_site.scope.relate). They may see those customers' phone numbers (crm_site.masking.allow_field);
each unmasked view is still written to the access log.
"""

from crm_site import masking, roles, scope

SERVICE_WORK = (
    "service.view_ticket",
    "service.add_ticket",
    "service.change_ticket",
    "service.call_customer",
    "service.view_callback",
    "service.change_callback",
    "service.view_certificatecase",
    "service.change_certificatecase",
    "service.view_renovation",
    "service.add_renovation",
    "sales.view_building",
)
roles.grant("service_agent", *SERVICE_WORK)
roles.grant("service_manager", *SERVICE_WORK, "service.manage_service", "service.view_escalation", "sales.view_unit")
roles.grant("executive", "service.view_ticket", "service.view_certificatecase", "service.view_callback")
roles.grant(
    "admin",
    *SERVICE_WORK,
    "service.manage_service",
    "service.view_escalation",
    "service.add_category",
    "service.change_category",
    "service.add_slapolicy",
    "service.change_slapolicy",
    "service.add_calendarday",
    "service.change_calendarday",
    "service.delete_calendarday",
    "service.add_workinginterval",
    "service.change_workinginterval",
    "service.delete_workinginterval",
    "service.change_warrantyperiod",
    "service.add_warrantyperiod",
    "service.add_certificatestage",
    "service.change_certificatestage",
    "service.change_servicesettings",
    "service.add_servicesettings",
    "service.view_survey",
    "service.add_survey",
    "service.change_survey",
    "service.add_question",
    "service.change_question",
    "service.delete_question",
)
masking.allow_field("phone", "service.call_customer")


def served_customers(user, covered) -> list:
    """Customers with a contract or a lease in a covered project, or a ticket there or assigned to the user (or,
    for a manager, to the staff of the teams they reach): querysets of customer ids, which the scope inlines when
    few and keeps as subqueries when many."""
    from sales.models import Deal, Lease
    from service.models import Ticket

    parts = []
    projects = sorted(covered.project_ids)
    if projects:
        parts.append(
            Deal.objects.filter(project_id__in=projects, stage=Deal.Stage.CONTRACT)
            .exclude(state=Deal.State.CANCELLED)
            .values_list("customer_id", flat=True)
        )
        parts.append(Lease.objects.filter(project_id__in=projects).values_list("tenant_id", flat=True))
        parts.append(Ticket.objects.filter(project_id__in=projects).values_list("customer_id", flat=True))
    if user.has_perm("service.view_ticket"):
        assignees = sorted(covered.user_ids)  # the user, and the staff of the teams they reach (a manager's agents)
        parts.append(Ticket.objects.filter(assignee_id__in=assignees).values_list("customer_id", flat=True))
    return parts


scope.relate("customers.Customer", served_customers)
