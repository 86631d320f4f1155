"""The catalogue every hospital starts from: national rules (cited) and hospital policy (editable, labelled so).

National rules outside the seeds, as worded in their texts:
- 抗菌药物临床应用管理办法（卫生部令第84号）第二十四条: 具有高级专业技术职务任职资格的医师，可授予特殊使用级
  抗菌药物处方权；具有中级以上专业技术职务任职资格的医师，可授予限制使用级抗菌药物处方权；具有初级专业技术职务
  任职资格的医师……可授予非限制使用级抗菌药物处方权。第二十五条: 医师经本机构培训并考核合格后，方可获得相应的
  处方权。第二十八条: 因抢救生命垂危的患者等紧急情况，医师可以越级使用抗菌药物；越级使用应当详细记录用药指征，
  并应当于24小时内补办越级使用抗菌药物的必要手续。
- 抗肿瘤药物临床应用管理办法（试行）（国卫医函〔2020〕487号）: 限制使用级抗肿瘤药物处方权授予具有高级专业技术
  职务任职资格的医师（副高及以上），普通使用级授予中级以上。
- 处方管理办法（卫生部令第53号）第十一条: 执业医师经（麻醉药品和精神药品使用知识和规范化管理的）培训、考核合格后
  取得麻醉药品和第一类精神药品的处方权。
Surgery grades by title are not fixed by any national rule: they are the hospital's policy (医疗机构手术分级管理
办法 leaves the 授权 conditions to the hospital), seeded as editable defaults with is_policy=True.
"""
from __future__ import annotations

from staff.models import Title

ABX = "抗菌药物临床应用管理办法（卫生部令第84号）第二十四条、第二十五条"
ABX_EMERGENCY_HOURS = 24  # 抗菌药物临床应用管理办法 第二十八条
ONC = "抗肿瘤药物临床应用管理办法（试行）（国卫医函〔2020〕487号）分级管理"
NARC = "处方管理办法（卫生部令第53号）第十一条"
SURG = "医院手术分级授权政策（本院制度，可修改）"
PRACTICE = "医师法、护士条例：按执业证书注册的执业范围"

# code, name, category, min_title, max_validity_months, requires_training, basis, policy, grade, emergency hours, chain
DEFAULTS: list[dict] = [
    {"code": "PRACTICE", "name": "执业范围内诊疗活动", "category": "practice", "min_title": Title.JUNIOR,
     "max_validity_months": 60, "basis": PRACTICE, "approval_chain": ["department", "medical_affairs"]},
    {"code": "ABX-NR", "name": "非限制使用级抗菌药物处方权", "category": "prescription", "min_title": Title.JUNIOR,
     "max_validity_months": 36, "requires_training": True, "basis": ABX,
     "approval_chain": ["department", "medical_affairs"]},
    {"code": "ABX-R", "name": "限制使用级抗菌药物处方权", "category": "prescription", "min_title": Title.INTERMEDIATE,
     "max_validity_months": 36, "requires_training": True, "basis": ABX,
     "emergency_completion_hours": ABX_EMERGENCY_HOURS, "approval_chain": ["department", "medical_affairs"]},
    {"code": "ABX-S", "name": "特殊使用级抗菌药物处方权", "category": "prescription",
     "min_title": Title.ASSOCIATE_SENIOR, "max_validity_months": 36, "requires_training": True, "basis": ABX,
     "emergency_completion_hours": ABX_EMERGENCY_HOURS},
    {"code": "ONC-G", "name": "普通使用级抗肿瘤药物处方权", "category": "prescription", "min_title": Title.INTERMEDIATE,
     "max_validity_months": 36, "requires_training": True, "basis": ONC,
     "approval_chain": ["department", "medical_affairs"]},
    {"code": "ONC-R", "name": "限制使用级抗肿瘤药物处方权", "category": "prescription",
     "min_title": Title.ASSOCIATE_SENIOR, "max_validity_months": 36, "requires_training": True, "basis": ONC},
    {"code": "NARC", "name": "麻醉药品和第一类精神药品处方权", "category": "prescription", "min_title": Title.JUNIOR,
     "max_validity_months": 36, "requires_training": True, "basis": NARC,
     "other_conditions": "经本机构麻醉药品和精神药品使用知识和规范化管理培训并考核合格",
     "approval_chain": ["department", "medical_affairs"]},
    {"code": "SURG-1", "name": "一级手术", "category": "surgery", "surgery_grade": 1, "min_title": Title.JUNIOR,
     "max_validity_months": 36, "basis": SURG, "is_policy": True, "approval_chain": ["department", "medical_affairs"]},
    {"code": "SURG-2", "name": "二级手术", "category": "surgery", "surgery_grade": 2, "min_title": Title.INTERMEDIATE,
     "max_validity_months": 36, "basis": SURG, "is_policy": True, "min_years_in_title": 0,
     "approval_chain": ["department", "medical_affairs"]},
    {"code": "SURG-3", "name": "三级手术", "category": "surgery", "surgery_grade": 3,
     "min_title": Title.ASSOCIATE_SENIOR, "max_validity_months": 24, "basis": SURG, "is_policy": True},
    {"code": "SURG-4", "name": "四级手术", "category": "surgery", "surgery_grade": 4,
     "min_title": Title.ASSOCIATE_SENIOR, "max_validity_months": 12, "basis": SURG, "is_policy": True,
     "min_years_in_title": 2, "other_conditions": "近三年作为主刀完成三级手术不少于规定例数"},
    {"code": "CONSULT", "name": "院内会诊", "category": "other", "min_title": Title.INTERMEDIATE,
     "max_validity_months": 36, "basis": "会诊制度（医疗质量安全核心制度要点）",
     "approval_chain": ["department", "medical_affairs"]},
]
