"""My-day panels of the visits pages (registered from customers.apps)."""
