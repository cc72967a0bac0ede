"""API of sales money, mounted by crm_site/api.py."""

from ninja import Router

router = Router(tags=["money"])
