"""Outreach in the JSON API (mounted by crm_site/api.py from OutreachConfig.api_routers): templates, messages (send to
one customer; record SMS / WeChat sent elsewhere and their delivery status), announcements, webhook endpoints."""
