"""What each role may do in outreach (crm_site.roles.grant; `manage.py seed_roles` applies it)."""

from crm_site.roles import grant

TEMPLATES = ["outreach.view_messagetemplate", "outreach.add_messagetemplate", "outreach.change_messagetemplate"]
SENDS = ["outreach.view_send", "outreach.add_send", "outreach.change_send"]
ANNOUNCEMENTS = ["outreach.view_announcement", "outreach.add_announcement"]

grant("sales_rep", "outreach.send_message", "outreach.view_announcement")
grant("sales_manager", "outreach.send_message", "outreach.view_announcement")
grant("service_agent", "outreach.send_message", "outreach.view_announcement")
grant("service_manager", "outreach.send_message", "outreach.view_announcement")
grant("marketing", "outreach.send_message", *TEMPLATES, *SENDS, *ANNOUNCEMENTS)
grant("executive", "outreach.view_send", "outreach.view_announcement", "outreach.view_messagetemplate")
grant(
    "admin",
    "outreach.send_message",
    "outreach.record_message",
    "outreach.manage_webhooks",
    *TEMPLATES,
    *SENDS,
    *ANNOUNCEMENTS,
)
# The call center's or SMS gateway's token records the messages it sent and their delivery.
grant("integration", "outreach.record_message")
