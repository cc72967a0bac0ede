"""Outreach in the top navigation (the Outreach menu, the notification bell) and webhooks under settings."""

from django.utils.translation import gettext_lazy as _

from crm_site.navigation import NavItem, add, add_setting, menu

menu("outreach", NavItem(_("Outreach"), "outreach:send-list", "send"), 50)
add("outreach", NavItem(_("Sends"), "outreach:send-list", "send", "outreach.view_send"), 10)
add(
    "outreach",
    NavItem(_("Templates"), "outreach:template-list", "file-earmark-text", "outreach.view_messagetemplate"),
    20,
)
add(
    "outreach", NavItem(_("Announcements"), "outreach:announcement-list", "megaphone", "outreach.view_announcement"), 30
)
# Every staff member has notifications; the count of unread ones is loaded after the page.
menu(
    "notifications",
    NavItem(_("Notifications"), "outreach:notification-list", "bell", badge="outreach:notification-badge"),
    95,
)
add_setting(NavItem(_("Webhooks"), "outreach:webhook-list", "broadcast", "outreach.manage_webhooks"), 93)
