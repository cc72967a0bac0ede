"""Service in the demo and in the bench data: after sales (it needs contracts, units and the demo staff)."""

from crm_site import seeding


def demo(options, stdout) -> None:
    from service.demo import seed_service_demo

    seed_service_demo(stdout=stdout)


def bench_arguments(parser) -> None:
    parser.add_argument("--tickets", type=int, default=0, help="Service tickets (e.g. 500,000; 0: none).")


def bench(options, stdout) -> None:
    from service import benchdata

    if options.get("tickets"):
        benchdata.generate(tickets=options["tickets"], log=stdout.write)


seeding.register("service", 60, demo=demo, bench=bench, arguments=bench_arguments)
