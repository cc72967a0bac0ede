"""API of sales inventory, mounted by crm_site/api.py."""

from ninja import Router

router = Router(tags=["inventory"])
