"""Default service configuration that admins then edit: the certificate stage template (from the issue), a
category tree, warranty periods from common practice, the working week (09:00–12:00, 13:30–18:00 Monday to Friday)
and the service settings row.

Written by migration 0002 and again by the demo seed and the service tests' fixtures: a test database flushed by a
browser or race test loses what migrations wrote. Imports no model: callers pass `get_model`.
"""

import datetime

STAGES = [
    # code, English, Chinese, expected days, building-level, mortgage only, documents
    ("contract_filing", "Contract filing", "网签备案", 30, False, False, ""),
    ("handover", "Handover", "交房", 60, False, False, ""),
    ("first_registration", "Developer's first registration", "首次登记", 90, True, False, ""),
    (
        "documents",
        "Buyer's documents collected",
        "资料收取",
        30,
        False,
        False,
        "ID,Contract,Invoice,Deed-tax receipt,Maintenance-fund receipt",
    ),
    ("taxes", "Taxes paid", "缴纳税费", 15, False, False, ""),
    ("transfer", "Transfer registration submitted", "转移登记", 30, False, False, ""),
    ("issued", "Certificate issued", "不动产权证发证", 15, False, False, ""),
    ("mortgage", "Mortgage registration", "抵押登记", 30, False, True, ""),
    ("bank_held", "Certificate held by the bank", "产权证由银行保管", 7, False, True, ""),
    ("handed", "Handed to the owner", "交付业主", 15, False, False, ""),
]
CATEGORIES = [
    ("Leakage", "渗漏", "waterproofing", [("Roof", "屋面", "waterproofing"), ("Bathroom", "卫生间", "waterproofing")]),
    ("Cracks", "开裂", "structure", []),
    ("Electrical", "电气", "electrical", []),
    ("Plumbing", "给排水", "plumbing", []),
    ("Decoration", "装修", "decoration", []),
    ("Heating and cooling", "供暖制冷", "heating", []),
    ("Property management", "物业管理", "", []),
    ("Sales dispute", "销售纠纷", "", []),
    ("Certificate", "产权证", "", []),
]
WARRANTY = [
    ("waterproofing", "Roof and wet-room waterproofing", "屋面及卫生间防水", 60),
    ("electrical", "Electrical", "电气管线", 24),
    ("plumbing", "Plumbing", "给排水管道", 24),
    ("decoration", "Decoration", "装修工程", 24),
    ("heating", "Heating and cooling", "供热与供冷系统", 24),
    ("structure", "Structure", "地基基础和主体结构", None),
]


def ensure_defaults(get_model) -> None:
    """Create whichever default rows are missing (idempotent); never change rows an admin has edited.
    `get_model` is a migration's `apps.get_model` or `django.apps.apps.get_model`."""
    Stage = get_model("service", "CertificateStage")
    for order, (code, en, zh, days, building, mortgage, documents) in enumerate(STAGES):
        Stage.objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_zh": zh,
                "order": (order + 1) * 10,
                "expected_days": days,
                "building_level": building,
                "mortgage_only": mortgage,
                "documents": documents,
            },
        )
    Category = get_model("service", "Category")
    for order, (en, zh, component, children) in enumerate(CATEGORIES):
        parent, _created = Category.objects.get_or_create(
            name_en=en, parent=None, defaults={"name_zh": zh, "component": component, "order": order}
        )
        for child_en, child_zh, child_component in children:
            Category.objects.get_or_create(
                name_en=child_en, parent=parent, defaults={"name_zh": child_zh, "component": child_component}
            )
    Warranty = get_model("service", "WarrantyPeriod")
    for component, en, zh, months in WARRANTY:
        Warranty.objects.get_or_create(component=component, defaults={"label_en": en, "label_zh": zh, "months": months})
    Interval = get_model("service", "WorkingInterval")
    if not Interval.objects.exists():
        for weekday in range(5):
            Interval.objects.create(weekday=weekday, starts=datetime.time(9), ends=datetime.time(12))
            Interval.objects.create(weekday=weekday, starts=datetime.time(13, 30), ends=datetime.time(18))
    Settings = get_model("service", "ServiceSettings")
    if not Settings.objects.exists():
        Settings.objects.create()
