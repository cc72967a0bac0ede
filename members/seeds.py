"""Members in the demo (after sales and outreach: buyers join, a referral, an event, benefits) and in the bench
data (`seed_bench --members 300000 --ledger-entries 3000000`)."""

from crm_site import seeding


def demo(options, stdout) -> None:
    from members import demo

    demo.seed(stdout)


def bench_arguments(parser) -> None:
    parser.add_argument("--members", type=int, default=0, help="Members, the first N customer files (0: none).")
    parser.add_argument("--ledger-entries", type=int, default=0, help="Ledger entries over all members.")


def bench(options, stdout) -> None:
    if not options["members"]:
        return
    from members import benchdata

    benchdata.generate(members=options["members"], entries=options["ledger_entries"], log=stdout.write)


seeding.register("members", 70, demo=demo, bench=bench, arguments=bench_arguments)
