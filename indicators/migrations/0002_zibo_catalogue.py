"""The catalogue: the 14 rows of the Zibo appendix (淄卫发〔2024〕3号 附件) as 29 single indicators, with the
direction and target each row states, verbatim in direction_label / target_label; plus 出院人次 (discharges),
the denominator of indicator 9.

Definitions marked "本系统定义" are ours: the seeds give none for them (see the issue note).
"""
from decimal import Decimal

from django.db import migrations

P, R, C = "proportion", "rate", "count"
UP, DOWN = "higher", "lower"
INST, SPEC, DIS, TECH = "institution", "specialty", "disease", "technology"
OURS = "本系统定义（规范及附件未给出定义）。"
RECORD_CHECK = "同期抽查（或全部）的住院病历数"

ROW11 = ("持续提升", "同比上升")
ROW12 = ("持续提升", "同比上升")
ROW13 = ("持续提升", "同比上升")

# (code, row, name, numerator, denominator, note, kind, unit, factor, direction, direction_label,
#  layer, level, source, grades, department_level, target_kind, op, value, by_grade, target_label, period)
CATALOGUE = [
    ("ZB01", 1, "四级手术动态评估率",
     "评估周期内（原则上不超过1年）完成动态评估的四级手术术种数",
     "本机构同期开展的四级手术术种总数",
     OURS + "动态评估即医疗技术临床应用管理制度中的动态评估（附件 第13条），评估周期原则上不超过1年。",
     P, "%", 100, UP, "持续上升", TECH, "hospital", "entered", "3,2", False, "yoy", "", None, {}, "同比上升", "month"),
    ("ZB02", 2, "三级公立医院医务人员准入授权信息化管理",
     "实行医务人员准入授权信息化管理的三级公立医院数（医院填报：已实行=1，未实行=0）",
     "三级公立医院数（医院填报：1）",
     OURS + "区域指标：以医疗机构为单位统计，行政部门看辖区内医院的占比。",
     P, "%", 100, UP, "持续上升", INST, "authority", "entered", "3", False, "threshold", ">=", "100", {}, "100%", "month"),
    ("ZB03", 3, "非计划重返手术室再手术率",
     "同一次住院期间非计划重返手术室再次手术的例数",
     "同期手术患者出院人数",
     "", P, "‰", 1000, DOWN, "持续下降", TECH, "hospital", "entered", "3,2", True,
     "threshold", "<=", "1.8", {}, "≤1.8‰", "month"),
    ("ZB04", 4, "住院患者手术后获得性指标发生率",
     "住院手术患者手术后获得性指标（手术并发症、术后感染等）发生例数",
     "同期出院手术患者人数",
     OURS, P, "‰", 1000, DOWN, "持续下降", TECH, "hospital", "entered", "3,2", True,
     "threshold", "<=", "7.5", {}, "≤7.5‰", "month"),
    ("ZB05", 5, "手术麻醉期间低体温发生率",
     "手术麻醉期间发生低体温（核心体温低于36℃）的患者数",
     "同期接受麻醉的手术患者数",
     OURS, P, "%", 100, DOWN, "持续降低", SPEC, "hospital", "entered", "3,2", True, "yoy", "", None, {}, "同比下降", "month"),
    ("ZB06", 6, "I类切口手术抗菌药物预防使用率",
     "I类切口手术预防使用抗菌药物的患者数",
     "同期I类切口手术患者总数",
     OURS, P, "%", 100, DOWN, "持续降低", SPEC, "hospital", "entered", "3,2", True, "yoy", "", None, {}, "同比下降", "month"),
    ("ZB07", 7, "实行临床路径管理的医疗机构占比",
     "实行临床路径管理的医疗机构数（医院填报：已实行=1，未实行=0）",
     "同级别医疗机构数（医院填报：1）",
     OURS + "区域指标：以医疗机构为单位、按医院级别统计。",
     P, "%", 100, UP, "持续提升", INST, "authority", "entered", "3,2", False, "grade_threshold", "", None,
     {"3": [">=", "100"], "2": [">=", "80"]}, "三级医院 ≥ 100% 二级医院 ≥ 80%", "month"),
    ("ZB08", 8, "临床路径管理病例占同期出院病例比例",
     "实行临床路径管理的出院病例数",
     "同期出院病例数",
     OURS, P, "%", 100, UP, "持续提升", DIS, "hospital", "entered", "3,2", True, "grade_threshold", "", None,
     {"3": [">=", "50"], "2": [">=", "70"]}, "三级医院 ≥ 50% 二级医院 ≥ 70%", "month"),
    ("ZB09", 9, "年均每百出院人次主动报告不良事件例次数",
     "主动报告的医疗质量安全（不良）事件例次数（来自本系统不良事件登记）",
     "同期出院人次（出院人次 CY）",
     "= 报告例次数 × 100 / 出院人次。由不良事件登记和出院人次计算，不手工填报；附件以“年均”考核，"
     "达标按当年累计（1月至当月）判断。",
     R, "例次/百出院人次", 100, UP, "持续提升", INST, "hospital", "computed", "3,2", True,
     "threshold", ">", "2.5", {}, ">2.5 例次", "year"),
    ("ZB10", 10, "低风险病种住院患者死亡率",
     "低风险病种住院患者死亡人数",
     "同期低风险病种出院患者人数",
     "", P, "%", 100, DOWN, "持续降低", DIS, "hospital", "entered", "3,2", True, "yoy", "", None, {}, "同比下降", "month"),
    ("ZB11-1", 11, "入院记录24小时内完成率",
     "入院后24小时内完成入院记录的病历数", "同期住院病历数",
     "", P, "%", 100, UP, *ROW11[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW11[1], "month"),
    ("ZB11-2", 11, "医师查房记录完整率",
     "医师查房记录完整的病历数", RECORD_CHECK,
     OURS, P, "%", 100, UP, *ROW11[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW11[1], "month"),
    ("ZB11-3", 11, "手术记录24小时内完成率",
     "术后24小时内完成手术记录的手术例数", "同期手术例数",
     OURS, P, "%", 100, UP, *ROW11[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW11[1], "month"),
    ("ZB11-4", 11, "会诊及时完成率",
     "按时完成的会诊次数（急会诊≤10分钟、院内普通会诊≤24小时）", "同期会诊总次数",
     OURS, P, "%", 100, UP, *ROW11[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW11[1], "month"),
    ("ZB11-5", 11, "出院记录24小时内完成率",
     "出院后24小时内完成出院记录的病历数", "同期出院病历数",
     OURS, P, "%", 100, UP, *ROW11[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW11[1], "month"),
    ("ZB11-6", 11, "病案首页24小时内完成率",
     "出院后24小时内完成病案首页的病历数", "同期出院病历数",
     OURS, P, "%", 100, UP, *ROW11[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW11[1], "month"),
    ("ZB12-1", 12, "四级手术术前多学科讨论率",
     "术前进行多学科讨论的四级手术例数", "同期四级手术例数",
     OURS, P, "%", 100, UP, *ROW12[:1], TECH, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW12[1], "month"),
    ("ZB12-2", 12, "患者抢救记录及时完成率",
     "抢救完成后6小时内完成抢救记录的例次", "同期抢救例次",
     OURS, P, "%", 100, UP, *ROW12[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW12[1], "month"),
    ("ZB12-3", 12, "死亡病例讨论及时完成率",
     "患者死亡后1周内完成死亡病例讨论的例数", "同期死亡病例数",
     OURS, P, "%", 100, UP, *ROW12[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW12[1], "month"),
    ("ZB12-4", 12, "危急值处置记录率",
     "接收危急值报告后6小时内完成处置记录的例次", "同期接收危急值报告例次",
     OURS, P, "%", 100, UP, *ROW12[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW12[1], "month"),
    ("ZB13-1", 13, "CT/MRI检查记录符合率",
     "CT/MRI检查记录符合要求的病历数", "同期检查的有CT/MRI检查的病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-2", 13, "病理检查记录符合率",
     "病理检查记录符合要求的病历数", "同期检查的有病理检查的病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-3", 13, "细菌培养检查记录符合率",
     "细菌培养检查记录符合要求的病历数", "同期检查的有细菌培养检查的病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-4", 13, "抗菌药物使用记录符合率",
     "抗菌药物使用记录符合要求的病历数", "同期检查的使用抗菌药物的病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-5", 13, "临床用血相关记录符合率",
     "临床用血相关记录符合要求的病历数", "同期检查的有临床用血的病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-6", 13, "知情同意书规范签署率",
     "知情同意书规范签署的病历数", "同期检查的有知情同意书的病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-7", 13, "主要手术填写正确率",
     "病案首页主要手术填写正确的病历数", "同期检查的手术患者病历数",
     OURS, P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB13-8", 13, "甲级病案率",
     "甲级病案数", "同期检查的病案数",
     "", P, "%", 100, UP, *ROW13[:1], INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, ROW13[1], "month"),
    ("ZB14", 14, "不合理复制病历发生率",
     "存在不合理复制内容的病历数", RECORD_CHECK,
     OURS, P, "%", 100, DOWN, "持续下降", INST, "hospital", "entered", "3,2", True, "yoy", "", None, {}, "同比下降", "month"),
]

DISCHARGES = (
    "CY", None, "出院人次", "当月出院人次", "", "指标9（每百出院人次主动报告不良事件例次数）的分母；按月填报，不列入考核目录。",
    C, "人次", 1, UP, "", INST, "hospital", "entered", "3,2,1,0", True, "none", "", None, {}, "", "month",
)

FIELDS = [
    "code", "row", "name", "numerator_definition", "denominator_definition", "definition_note", "kind", "unit",
    "factor", "direction", "direction_label", "layer", "level", "source", "grades", "department_level",
    "target_kind", "target_op", "target_value", "target_by_grade", "target_label", "target_period",
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorRevision = apps.get_model("indicators", "IndicatorRevision")
    for order, row in enumerate([*CATALOGUE, DISCHARGES], start=1):
        data = dict(zip(FIELDS, row))
        data["factor"] = Decimal(data["factor"])
        data["target_value"] = None if data["target_value"] is None else Decimal(data["target_value"])
        data["in_catalogue"] = data["code"] != "CY"
        code = data.pop("code")
        indicator, created = Indicator.objects.update_or_create(code=code, defaults={**data, "order": order})
        if created:
            snap = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}
            IndicatorRevision.objects.create(indicator=indicator, version=1, definition={"code": code, **snap},
                                             reason="淄卫发〔2024〕3号 附件")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
