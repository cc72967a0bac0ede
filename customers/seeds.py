"""Customer files in the demo and in the bench data (after staff and projects, before sales)."""

from crm_site import seeding


def demo(options, stdout) -> None:
    from customers import demo

    demo.seed(stdout, count=options.get("customers", 60))


def bench_arguments(parser) -> None:
    parser.add_argument("--customers", type=int, default=100_000, help="Customer files to append (default 100,000).")
    parser.add_argument("--interactions", type=int, default=0, help="Logged contacts to append (default none).")


def bench(options, stdout) -> None:
    from customers import benchdata

    benchdata.seed(options, stdout)


seeding.register("customers", 30, demo=demo, bench=bench, arguments=bench_arguments)
