"""Reference data: the 18 医疗质量安全核心制度, names verbatim from seeds/002 (《医疗质量管理办法》 slides,
"共18项"), in the order listed there; and the definitions of ZB13-8 / ZB14, now computed from record reviews."""
from django.db import migrations

CORE_SYSTEMS = [
    "首诊负责制度", "三级查房制度", "会诊制度", "分级护理制度", "值班和交接班制度", "疑难病例讨论制度",
    "急危重患者抢救制度", "术前讨论制度", "死亡病例讨论制度", "查对制度", "手术安全核查制度", "手术分级管理制度",
    "新技术和新项目准入制度", "危急值报告制度", "病历管理制度", "抗菌药物分级管理制度", "临床用血审核制度",
    "信息安全管理制度",
]

ZB13_8 = dict(
    numerator_definition="统计月内完成终末病历质控评价、等级为甲级的病案数",
    denominator_definition="同期完成终末病历质控评价的病案数",
    definition_note=(
        "有病历质控评价记录时由评价自动计算（本系统定义：附件仅列指标名称）。以评价日期所在月统计；只计终末病历；"
        "等级按本院设定的分数线评定，未设定时 ≥90 分为甲级、≥75 分为乙级、其余为丙级。"
    ),
)
ZB14 = dict(
    numerator_definition="统计月内质控评价发现存在不合理复制内容的病历数（运行病历与终末病历）",
    denominator_definition="同期完成质控评价的住院病历数（运行病历与终末病历）",
    definition_note=(
        "有病历质控评价记录时由评价自动计算（本系统定义：附件仅列指标名称）。以评价日期所在月统计；"
        "同一病历在同月被评价多次时按次计。"
    ),
)


def forward(apps, schema_editor):
    CoreSystem = apps.get_model("inspections", "CoreSystem")
    for n, name in enumerate(CORE_SYSTEMS, start=1):
        CoreSystem.objects.update_or_create(code=f"CS{n:02d}", defaults={"name": name, "order": n})
    Indicator = apps.get_model("indicators", "Indicator")
    for code, fields in (("ZB13-8", ZB13_8), ("ZB14", ZB14)):
        # source stays "entered": a hospital without record reviews in the system still reports the figure;
        # where reviews exist, indicators.services.computed_values_record stores the computed value.
        Indicator.objects.filter(code=code).update(**fields)


def backward(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("indicators", "0002_zibo_catalogue"),
    ]

    operations = [migrations.RunPython(forward, backward)]
