"""API of sales funnel, mounted by crm_site/api.py."""

from ninja import Router

router = Router(tags=["funnel"])
