"""Draw the load test's inputs from the database (fixed seed), as the in-process bench does: for each persona's
users, random visible files across the whole id range, phone tails and one-, two- and three-character name
fragments of real files. Writes JSON for locustfile.py.

    DATABASE_URL=... python loadtest/inputs.py OUT.json [--reps 40] [--per-user 60] [--seed 9]
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from crm_site.bench import rng_for, sample_ids  # noqa: E402
from crm_site.seeding import BENCH_PASSWORD  # noqa: E402
from customers.models import Customer  # noqa: E402


def files_of(user, rng, n) -> dict:
    visible = Customer.objects.visible_to(user)
    ids = sample_ids(visible, rng, n)
    found = Customer.objects.in_bulk(ids)
    names = [found[pk].name for pk in ids if pk in found]
    searches = []
    for pk in ids:
        customer = found.get(pk)
        if customer is None:
            continue
        size = rng.choice((1, 2, 3, 4))  # 4: the phone's last four digits
        if size == 4 and len(customer.phone) >= 4:
            searches.append(customer.phone[-4:])
        elif len(customer.name) >= size:
            start = 0 if size < 3 else rng.randint(0, len(customer.name) - size)
            searches.append(customer.name[start : start + size])
    return {"username": user.username, "customers": ids, "searches": searches or names}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--managers", type=int, default=8)
    parser.add_argument("--per-user", type=int, default=60)
    parser.add_argument("--seed", type=int, default=9)
    options = parser.parse_args()
    rng = rng_for("loadtest", options.seed)
    User = get_user_model()

    def members(role, count):
        users = list(User.objects.filter(groups__name=role, is_active=True).order_by("username"))
        return rng.sample(users, min(count, len(users)))

    inputs = {
        "password": os.environ.get("LOADTEST_PASSWORD", BENCH_PASSWORD),
        "reps": [files_of(user, rng, options.per_user) for user in members("sales_rep", options.reps)],
        "managers": [files_of(user, rng, options.per_user // 3) for user in members("sales_manager", options.managers)],
        "executives": [{"username": user.username} for user in members("executive", 2)],
    }
    with open(options.out, "w") as out:
        json.dump(inputs, out, ensure_ascii=False)
    print(
        f"inputs: {len(inputs['reps'])} reps, {len(inputs['managers'])} managers, {len(inputs['executives'])} executives"
    )


if __name__ == "__main__":
    main()
