"""SPEC §4.1 defaults: the four classes with their reporting time limits, the A–I mapping, the event types.

Administrators change these in the admin afterwards; this migration only fills an empty table.
"""
from django.db import migrations

CLASSES = [
    # code, name, description, report hours, phone first, analysis required, analysis workdays (hospital policy)
    ("I", "警讯事件", "非预期的死亡，或非疾病自然进展过程中造成永久性功能丧失", 24, True, True, 15),
    ("II", "不良后果事件", "在诊疗过程中因医疗行为而非疾病本身造成的患者机体与功能损害", 24, False, True, 20),
    ("III", "未造成后果事件", "虽然发生了错误事实，但未给患者机体与功能造成任何损害", 120, False, False, None),
    ("IV", "隐患事件", "由于及时发现错误，未形成事实（临界错误事件）", 120, False, False, None),
]
LEVELS = [
    ("A", "客观环境或条件可能引发错误（隐患）", "IV"),
    ("B", "发生错误但未累及患者", "IV"),
    ("C", "错误累及患者但没有造成伤害", "III"),
    ("D", "错误累及患者，需要监测以确保未造成伤害", "III"),
    ("E", "错误造成患者暂时性伤害，需要处置", "II"),
    ("F", "错误造成患者暂时性伤害，需要住院或延长住院时间", "II"),
    ("G", "错误造成患者永久性伤害", "II"),
    ("H", "错误导致患者生命垂危，需要维持生命的措施", "II"),
    ("I", "错误导致患者死亡", "I"),
]
TYPES = [
    ("MED", "药品与用药错误"),
    ("DEVICE", "医疗器械"),
    ("SURG", "手术与操作"),
    ("FALL", "跌倒/坠床"),
    ("PRESSURE", "压力性损伤"),
    ("TUBE", "管路滑脱"),
    ("TRANSFUSION", "输血"),
    ("INFECTION", "医院感染"),
    ("LAB", "检查检验与病理"),
    ("IDENT", "患者身份识别"),
    ("DIAG", "诊断与治疗"),
    ("CARE", "护理"),
    ("INFO", "信息系统"),
    ("SECURITY", "医患沟通与治安"),
    ("OTHER", "其他"),
]


def seed(apps, schema_editor):
    SeverityClass = apps.get_model("adverse_events", "SeverityClass")
    SeverityLevel = apps.get_model("adverse_events", "SeverityLevel")
    EventType = apps.get_model("adverse_events", "EventType")
    classes = {}
    for code, name, description, hours, phone, analysis, workdays in CLASSES:
        classes[code], _ = SeverityClass.objects.get_or_create(
            code=code,
            defaults=dict(name=name, description=description, report_within_hours=hours, phone_first=phone,
                          analysis_required=analysis, analysis_workdays=workdays),
        )
    for code, meaning, cls in LEVELS:
        SeverityLevel.objects.get_or_create(code=code, defaults=dict(meaning=meaning, severity_class=classes[cls]))
    for order, (code, name) in enumerate(TYPES, start=1):
        EventType.objects.get_or_create(code=code, defaults=dict(name=name, order=order * 10))


class Migration(migrations.Migration):
    dependencies = [("adverse_events", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
