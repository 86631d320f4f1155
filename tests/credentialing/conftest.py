import datetime as dt

import pytest
from django.utils import timezone

from credentialing import services
from credentialing.models import PrivilegeItem
from staff.models import Staff


@pytest.fixture(autouse=True)
def _fresh_check_cache():
    """Each test's database starts again at check generation 0 (rolled back), so cached answers of an earlier
    test would match its keys: start every test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reg(demo):
    """The demo organisation with H001/H002 catalogues and a few staff."""
    from staff import demo as staff_demo

    staff_demo.seed(demo)
    for code in ("H001", "H002"):
        services.catalogue_seed_defaults(institution=demo.institutions[code])

    class R:
        ctx = demo
        h001 = demo.institutions["H001"]
        h002 = demo.institutions["H002"]
        today = timezone.localdate()

        def staff(self, code, inst="H001"):
            return Staff.objects.get(institution__code=inst, code=code)

        def item(self, code, inst="H001"):
            return PrivilegeItem.objects.get(institution__code=inst, code=code)

        def grant(self, code, item, months=12, start=None, inst="H001"):
            start = start or self.today - dt.timedelta(days=10)
            from dateutil.relativedelta import relativedelta

            return services.privilege_record(
                staff=self.staff(code, inst), item=self.item(item, inst), valid_from=start,
                valid_until=start + relativedelta(months=months), basis="test", actor=self.user("qc_office"))

        def user(self, name):
            from django.contrib.auth import get_user_model

            return get_user_model().objects.get(username=name)

    return R()
