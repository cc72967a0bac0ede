"""Reads of outreach: templates, messages (scoped through their customer), sends and announcements, notifications,
webhooks."""
