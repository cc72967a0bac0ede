"""Reads of the member club, one module per part."""

from .members import MemberPage, member_get, member_list, member_lookup, member_page, referral_list

__all__ = ["MemberPage", "member_get", "member_list", "member_lookup", "member_page", "referral_list"]
