"""Forms of outreach: templates, sends and audiences, announcements, a message to one customer, webhooks."""
