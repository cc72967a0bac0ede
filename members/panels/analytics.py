"""The members facts of the nightly scores (member tier, member activity, points redeemed) registered with
analytics.facts, and the member activity that follows an escalation in the owners' churn label registered with
analytics.churn_owners; the reads are members.selectors.facts."""

from analytics import churn_owners, facts
from members.selectors.facts import latest_activity, members_facts, members_facts_of

facts.register("members", members_facts, of_ids=members_facts_of)
churn_owners.register_follow_ups("members", latest_activity)
