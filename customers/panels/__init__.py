"""What customer files add to other pages (my-day panels); importing the package registers them."""

from . import files, inquiries, navigation, visits

__all__ = ["navigation", "files", "inquiries", "visits"]
