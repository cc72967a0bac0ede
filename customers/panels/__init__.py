"""What customer files add to other pages (my-day panels); importing the package registers them."""

from . import files, inquiries, navigation, ownership, reports, visits

__all__ = ["navigation", "files", "inquiries", "ownership", "visits", "reports"]
