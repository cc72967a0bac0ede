"""Events of customer files that other apps answer, without customers importing them.

Each app that keeps records about a customer connects its receivers in its own `receivers.py` (imported by its
AppConfig.ready); customers sends, and never names the apps that listen.
"""

from django.dispatch import Signal

customer_owner_changed = Signal()
"""Customers changed owner: sent once per owner change, by customers.services.ownership, for every path.

Sent with sender=Customer and:
- moves: {customer_id: previous owner id, or None when the file came from the pool};
- to_user: the new owner, or None when the files lapsed to the public pool;
- by: the user who made the change (None for the nightly pool job);
- reason: why, as audited.

The contract of a receiver:
- It runs inside the transaction that moved the customers (after their rows were updated): if it raises, the
  whole change is undone, so it must not swallow errors or do slow work (queue it with transaction.on_commit).
- It works in bulk: one UPDATE per table for all of `moves` (a hand-over moves thousands of files), never a
  query per customer.
- It moves OPEN records only (what is still to be done: open opportunities, live deals, unpaid installments,
  open promises, open tickets ...) to `to_user`; closed history stays with whoever did the work.
- With to_user=None (the file lapsed to the pool) it leaves records where they are: the rep who claims the file
  later gets them through the claim's own event.
- It audits what it moved (crm_site.audit.record_many, one call per table) with `reason`.
- It returns {kind of record (a model's verbose_name_plural): how many moved}, or None: the hand-over page says
  what moved.
"""

customer_merging = Signal()
"""A duplicate file is about to be folded into another: sent by customers.services.customer_merge before the
duplicate is deleted, inside the merge's transaction.

Sent with sender=Customer and keep (the file that stays), merge (the duplicate, still in the database), by and
reason. Receivers point their rows from `merge` at `keep` (in bulk), so nothing is deleted with the duplicate.
The duplicate's open records have already moved to keep's owner: the merge sends customer_owner_changed for the
duplicate first.
"""

interaction_logged = Signal()
"""A contact with a customer was logged (customers.services.interaction_log), inside its transaction.

Sent with sender=Interaction and interaction, customer and by. Receivers settle what the contact means for
their records (sales: a lead the customer visited has reached "visited").
"""
