"""The members facts of the nightly scores (member tier, member activity, points redeemed): registered with
analytics.facts; the reads are members.selectors.facts."""

from analytics import facts
from members.selectors.facts import members_facts

facts.register("members", members_facts)
