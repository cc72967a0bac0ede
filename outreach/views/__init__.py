"""Pages of outreach: templates, sends, announcements, a message to one customer, notifications, webhooks, and the
public unsubscribe page."""
