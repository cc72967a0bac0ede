"""My-day panels of the inquiries pages (registered from customers.apps)."""
