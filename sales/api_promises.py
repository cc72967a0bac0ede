"""API of sales promises, mounted by crm_site/api.py."""

from ninja import Router

router = Router(tags=["promises"])
