"""Sales in the demo and in the bench data: projects first (staff and customers need them), deals last."""

from crm_site import seeding

# code, name, city, district
DEMO_PROJECTS = [
    ("emerald-lake", "翠湖天地 Emerald Lake", "Shanghai", "Xuhui"),
    ("riverside-one", "滨江壹号 Riverside One", "Shanghai", "Pudong"),
    ("cloud-hill", "云麓花园 Cloud Hill Garden", "Hangzhou", "Xihu"),
]


def demo_projects(options, stdout) -> None:
    from sales.models import Project

    for code, name, city, district in DEMO_PROJECTS:
        Project.objects.update_or_create(code=code, defaults={"name": name, "city": city, "district": district})
    stdout.write(f"projects: {len(DEMO_PROJECTS)}")


def demo(options, stdout) -> None:
    from sales.demo import seed_sales_demo

    seed_sales_demo(stdout=stdout)


def bench_project_arguments(parser) -> None:
    parser.add_argument("--projects", type=int, default=200, help="Bench projects (default 200).")


def bench_projects(options, stdout) -> None:
    from sales import benchdata

    stdout.write(f"projects: {len(benchdata.ensure_projects(options['projects']))}")


def bench_arguments(parser) -> None:
    parser.add_argument("--units", type=int, default=0, help="Units in the bench projects (e.g. 200,000; 0: none).")
    parser.add_argument("--opportunities", type=int, default=0, help="Opportunities, at least units / 2.")
    parser.add_argument("--grid-units", type=int, default=2_000, help="Units of the one big grid building.")


def bench(options, stdout) -> None:
    """Buildings, units, opportunities, deals, schedules, payments and promises: for a fresh database."""
    from django.core.management.base import CommandError

    from sales import benchdata

    if not options["units"]:
        return
    try:
        benchdata.generate(
            projects=options["projects"],
            units=options["units"],
            opportunities=options["opportunities"],
            grid_units=options["grid_units"],
            log=stdout.write,
        )
    except ValueError as error:
        raise CommandError(str(error)) from error


seeding.register("sales.projects", 10, demo=demo_projects, bench=bench_projects, arguments=bench_project_arguments)
seeding.register("sales", 40, demo=demo, bench=bench, arguments=bench_arguments)
