"""The foundation's seeds: demo staff, teams, choice lists and custom fields; bench staff in departments and teams."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from crm_site import seeding
from crm_site.models import ChoiceOption, CustomField, StaffProfile, Team
from crm_site.roles import ROLES_BY_CODE, assign_role
from crm_site.seeding import BENCH_PASSWORD, DEMO_PASSWORD

# Projects belong to sales (seeded before staff); staff are given theirs by code through the relation.
Project = StaffProfile.projects.field.related_model
DEPARTMENTS = 4
TEAMS_PER_DEPARTMENT = 5

# username, first name, last name, role, team, title, projects
STAFF = [
    ("admin", "Alex", "Admin", "admin", None, "系统管理员 System administrator", []),
    ("exec", "Wang", "Jianguo 王建国", "executive", None, "总经理 General manager", []),
    ("director", "Chen", "Jing 陈静", "sales_manager", "销售部 Sales Department", "销售总监 Sales director", []),
    ("lead.north", "Li", "Na 李娜", "sales_manager", "北区组 Team North", "组长 Team lead", ["emerald-lake"]),
    ("lead.south", "Zhao", "Lei 赵磊", "sales_manager", "南区组 Team South", "组长 Team lead", ["riverside-one"]),
    ("rep.liu", "Liu", "Yang 刘洋", "sales_rep", "北区组 Team North", "置业顾问 Property consultant", ["emerald-lake"]),
    (
        "rep.zhang",
        "Zhang",
        "Wei 张伟",
        "sales_rep",
        "北区组 Team North",
        "置业顾问 Property consultant",
        ["emerald-lake"],
    ),
    ("rep.emma", "Emma", "Brown", "sales_rep", "南区组 Team South", "置业顾问 Property consultant", ["riverside-one"]),
    ("rep.sun", "Sun", "Li 孙丽", "sales_rep", "南区组 Team South", "置业顾问 Property consultant", ["riverside-one"]),
    (
        "service.manager",
        "Huang",
        "Min 黄敏",
        "service_manager",
        "客服部 Customer Service",
        "客服经理 Service manager",
        [],
    ),
    (
        "service.zhou",
        "Zhou",
        "Fang 周芳",
        "service_agent",
        "客服部 Customer Service",
        "客服专员 Service agent",
        ["emerald-lake", "riverside-one"],
    ),
    ("marketing.wu", "Wu", "Qiang 吴强", "marketing", "市场部 Marketing", "市场专员 Marketing specialist", []),
]
# name, kind, parent, manager username. Names as a Chinese company writes them, with the English beside them
# (shown in both languages, like the project names).
TEAMS = [
    ("销售部 Sales Department", Team.Kind.DEPARTMENT, None, "director"),
    ("北区组 Team North", Team.Kind.TEAM, "销售部 Sales Department", "lead.north"),
    ("南区组 Team South", Team.Kind.TEAM, "销售部 Sales Department", "lead.south"),
    ("客服部 Customer Service", Team.Kind.DEPARTMENT, None, "service.manager"),
    ("市场部 Marketing", Team.Kind.DEPARTMENT, None, "marketing.wu"),
]
CHOICES = [
    (ChoiceOption.ListName.DISTRICT, "xuhui", "Xuhui", "徐汇区"),
    (ChoiceOption.ListName.DISTRICT, "pudong", "Pudong", "浦东新区"),
    (ChoiceOption.ListName.DISTRICT, "jingan", "Jing'an", "静安区"),
    (ChoiceOption.ListName.HOBBY, "golf", "Golf", "高尔夫"),
    (ChoiceOption.ListName.HOBBY, "reading", "Reading", "阅读"),
    (ChoiceOption.ListName.LOST_REASON, "price", "Price", "价格"),
    (ChoiceOption.ListName.LOST_REASON, "location", "Location", "地段"),
    (ChoiceOption.ListName.LOST_REASON, "competitor", "Competitor", "竞品"),
]
CUSTOM_FIELDS = [
    ("parking_spaces", "Parking spaces wanted", "需要车位数", CustomField.Type.NUMBER, ""),
    ("school_district", "Needs school district", "需要学区", CustomField.Type.BOOLEAN, ""),
    (
        "decision_timeline",
        "Decision timeline",
        "决策周期",
        CustomField.Type.CHOICE,
        "1m|Within a month|一个月内\n3m|Within 3 months|三个月内\n1y|Within a year|一年内",
    ),
]


def demo(options, stdout) -> None:
    users = _staff()
    for list_name, value, english, chinese in CHOICES:
        ChoiceOption.objects.get_or_create(
            list_name=list_name, value=value, defaults={"label_en": english, "label_zh": chinese}
        )
    for order, (key, english, chinese, field_type, choices) in enumerate(CUSTOM_FIELDS):
        CustomField.objects.get_or_create(
            entity="customer",
            key=key,
            defaults={
                "label_en": english,
                "label_zh": chinese,
                "field_type": field_type,
                "choices": choices,
                "order": order,
            },
        )
    stdout.write(f"staff: {len(users)} demo users ({', '.join(users)})")


def _staff() -> dict:
    User = get_user_model()
    users = {}
    for username, first, last, *_rest in STAFF:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.email = f"{username}@example.com"
            user.is_superuser = username == "admin"
            user.save()
        users[username] = user
    teams = {}
    for name, kind, parent, manager in TEAMS:
        team, _created = Team.objects.get_or_create(
            name=name, parent=teams.get(parent), defaults={"kind": kind, "manager": users[manager]}
        )
        teams[name] = team
    for username, _first, _last, role, team, title, codes in STAFF:
        assign_role(users[username], role)
        profile = StaffProfile.objects.get(user=users[username])
        if profile.team_id is None and team:
            profile.team = teams[team]
            profile.title = title
            profile.save()
        profile.projects.add(*Project.objects.filter(code__in=codes))
    return users


def bench_arguments(parser) -> None:
    parser.add_argument("--reps", type=int, default=400, help="Bench sales reps (default 400).")


def bench(options, stdout) -> None:
    _bench_staff(options["reps"])
    stdout.write(f"staff ready: {options['reps']} reps in {DEPARTMENTS * TEAMS_PER_DEPARTMENT} teams")


def _bench_staff(reps: int) -> None:
    User = get_user_model()
    password = make_password(BENCH_PASSWORD)

    def person(username, role, team=None):
        user, created = User.objects.get_or_create(username=username, defaults={"password": password})
        if created:
            assign_role(user, role)
            if team is not None:
                StaffProfile.objects.filter(user=user).update(team=team)
        return user

    person("bench_exec", "executive")
    teams = []
    for d in range(DEPARTMENTS):
        head = person(f"bench_head_{d}", "sales_manager")
        department, _created = Team.objects.get_or_create(
            name=f"Bench department {d}", parent=None, defaults={"kind": Team.Kind.DEPARTMENT, "manager": head}
        )
        StaffProfile.objects.filter(user=head).update(team=department)
        for t in range(TEAMS_PER_DEPARTMENT):
            lead = person(f"bench_lead_{d}_{t}", "sales_manager")
            team, _created = Team.objects.get_or_create(
                name=f"Bench team {d}-{t}", parent=department, defaults={"manager": lead}
            )
            StaffProfile.objects.filter(user=lead).update(team=team)
            teams.append(team)
    existing = set(User.objects.filter(username__startswith="bench_rep_").values_list("username", flat=True))
    wanted = [f"bench_rep_{n:04d}" for n in range(reps)]
    User.objects.bulk_create([User(username=name, password=password) for name in wanted if name not in existing])
    users = {user.username: user for user in User.objects.filter(username__in=wanted)}
    # Profiles were made by the post_save signal only for users created one by one.
    StaffProfile.objects.bulk_create(
        [StaffProfile(user=user, scope=ROLES_BY_CODE["sales_rep"].scope) for user in users.values()],
        ignore_conflicts=True,
    )
    group = Group.objects.get(name="sales_rep")
    group.user_set.add(*users.values())
    for offset, team in enumerate(teams):
        members = [users[name].pk for name in wanted[offset :: len(teams)]]
        StaffProfile.objects.filter(user_id__in=members, team__isnull=True).update(team=team)


seeding.register("crm_site.staff", 20, demo=demo, bench=bench, arguments=bench_arguments)
