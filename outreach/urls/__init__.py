"""The outreach pages (namespace "outreach"); the public unsubscribe page is in urls/public.py."""

from django.urls import path

from outreach.views import announcements, messages, notifications, preview, sends, templates, webhooks

app_name = "outreach"

urlpatterns = [
    path("templates/", templates.template_list, name="template-list"),
    path("templates/new/", templates.template_create, name="template-create"),
    path("templates/<int:pk>/", templates.template_edit, name="template-edit"),
    path("preview/", preview.preview, name="preview"),
    path("preview/customers/", preview.preview_customers, name="preview-customers"),
    path("sends/", sends.send_list, name="send-list"),
    path("sends/new/", sends.send_create, name="send-create"),
    path("sends/audience/", sends.send_audience_fields, name="send-audience"),
    path("sends/<int:pk>/", sends.send_detail, name="send-detail"),
    path("sends/<int:pk>/edit/", sends.send_edit, name="send-edit"),
    path("sends/<int:pk>/start/", sends.send_start, name="send-start"),
    path("sends/<int:pk>/schedule/", sends.send_schedule, name="send-schedule"),
    path("sends/<int:pk>/cancel/", sends.send_cancel, name="send-cancel"),
    path("sends/<int:pk>/delete/", sends.send_delete, name="send-delete"),
    path("announcements/", announcements.announcement_list, name="announcement-list"),
    path("announcements/new/", announcements.announcement_create, name="announcement-create"),
    path("announcements/<int:pk>/", announcements.announcement_detail, name="announcement-detail"),
    path("announcements/<int:pk>/send/", announcements.announcement_send, name="announcement-send"),
    path("customers/<int:pk>/message/", messages.customer_message, name="customer-message"),
    path("notifications/", notifications.notification_list, name="notification-list"),
    path("notifications/badge/", notifications.notification_badge, name="notification-badge"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notification-read-all"),
    path("notifications/settings/", notifications.notification_setting, name="notification-setting"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification-read"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification-open"),
    path("webhooks/", webhooks.webhook_list, name="webhook-list"),
    path("webhooks/new/", webhooks.webhook_create, name="webhook-create"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/edit/", webhooks.webhook_edit, name="webhook-edit"),
    path("webhooks/<int:pk>/ping/", webhooks.webhook_ping, name="webhook-ping"),
    path("webhooks/<int:pk>/secret/", webhooks.webhook_rotate, name="webhook-rotate"),
    path("webhooks/<int:pk>/deliveries/<int:delivery_pk>/replay/", webhooks.webhook_replay, name="webhook-replay"),
]
