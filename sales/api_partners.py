"""API of sales partners, mounted by crm_site/api.py."""

from ninja import Router

router = Router(tags=["partners"])
