"""Demo staff: the physicians, nurses and pharmacists of the demo departments, with realistic titles.
head_cardiology (张明, 主任医师) is staff D0101."""
from __future__ import annotations

import datetime as dt

from staff.models import Staff

P, N, PH, T = "physician", "nurse", "pharmacist", "technician"
J, MID, A, S = "junior", "intermediate", "associate_senior", "senior"

# institution, department, code, name, profession, title, title since, kind, scope, user
PEOPLE = [
    ("H001", "CARD", "D0101", "张明", P, S, "2012-12-01", "established", "内科专业", "head_cardiology"),
    ("H001", "CARD", "D0102", "李海涛", P, A, "2016-12-01", "established", "内科专业", None),
    ("H001", "CARD", "D0103", "王晓燕", P, MID, "2019-12-01", "established", "内科专业", None),
    ("H001", "CARD", "D0104", "赵磊", P, J, "2023-09-01", "resident", "内科专业", None),
    ("H001", "CARD", "D0105", "孙鹏", P, MID, "2020-12-01", "visiting", "内科专业", None),
    ("H001", "CARD", "N0101", "刘芳", N, MID, "2018-06-01", "established", "护理专业", "staff_nurse"),
    ("H001", "CARD", "N0102", "陈静怡", N, J, "2022-07-01", "established", "护理专业", None),
    ("H001", "GS", "D0201", "杨永辉", P, S, "2010-12-01", "established", "外科专业", None),
    ("H001", "GS", "D0202", "周涛", P, A, "2017-12-01", "established", "外科专业", None),
    ("H001", "GS", "D0203", "吴斌", P, MID, "2020-12-01", "established", "外科专业", None),
    ("H001", "ORTH", "D0301", "许文斌", P, S, "2011-12-01", "established", "外科专业", None),
    ("H001", "ORTH", "D0302", "郑凯", P, A, "2018-12-01", "established", "外科专业", None),
    ("H001", "RESP", "D0401", "吴海燕", P, S, "2013-12-01", "established", "内科专业", None),
    ("H001", "RESP", "D0402", "马丽", P, MID, "2021-12-01", "established", "内科专业", None),
    ("H001", "ICU", "D0501", "曹俊峰", P, A, "2015-12-01", "established", "重症医学专业", None),
    ("H001", "EM", "D0601", "彭志强", P, A, "2016-12-01", "established", "急救医学专业", None),
    ("H001", "EM", "D0602", "黄宇", P, J, "2024-08-01", "intern", "急救医学专业", None),
    ("H001", "PHAR", "Y0101", "董丽华", PH, S, "2012-12-01", "established", "", None),
    ("H001", "PHAR", "Y0102", "徐敏", PH, MID, "2019-12-01", "established", "", None),
    ("H001", "RAD", "J0101", "蒋文涛", T, A, "2016-12-01", "contracted", "医学影像和放射治疗专业", None),
    ("H002", "NK", "D0101", "贾春生", P, A, "2015-12-01", "established", "内科专业", None),
    ("H002", "NK", "D0102", "邢亮", P, MID, "2020-12-01", "established", "内科专业", None),
    ("H002", "WK", "D0201", "邵志勇", P, A, "2014-12-01", "established", "外科专业", None),
    ("H002", "WK", "N0201", "宋倩", N, J, "2023-07-01", "established", "护理专业", None),
]


def seed(ctx) -> None:
    n = 0
    for inst, dept, code, name, prof, title, since, kind, scope, username in PEOPLE:
        user = ctx.users.get(username) if username else None
        if user is None and username:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(username=username).first()
        _staff, created = Staff.objects.update_or_create(
            institution=ctx.institutions[inst], code=code,
            defaults={"name": name, "department": ctx.dept(inst, dept), "profession": prof, "title": title,
                      "title_since": dt.date.fromisoformat(since), "employment_kind": kind, "practice_scope": scope,
                      "certificate_number": f"1{inst[-1]}0{code[1:]}37{code[-2:]}0001", "user": user,
                      "is_active": True},
        )
        n += created
    ctx.log.append(f"staff: {len(PEOPLE)} people ({n} new)")
