"""Art. 36 sampling: reproducible (seed stored, same sample on rerun), per-hospital sizes, categories."""
import pytest
from django.core.exceptions import ValidationError

from case_reviews import services
from case_reviews.models import Case, CaseReview
from tests.case_reviews.conftest import make_round

pytestmark = pytest.mark.django_db


def _drawn(rnd):
    return sorted(CaseReview.objects.filter(round=rnd).values_list("institution__code", "category", "record_number"))


def test_it_draws_the_same_sample_again_from_the_stored_seed(pool, personas):
    a = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=20261202)
    b = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=20261202)
    assert a.seed == 20261202 and _drawn(a) and [x[1:] for x in _drawn(a)] == [x[1:] for x in _drawn(b)]
    assert services.round_draw_check(a) is True
    c = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=7)
    assert [x[2] for x in _drawn(c)] != [x[2] for x in _drawn(a)]


def test_it_stores_a_seed_when_none_is_given_and_refuses_a_second_draw(pool, personas):
    rnd = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"])
    assert rnd.seed is not None and rnd.draw["method"]
    with pytest.raises(ValidationError):
        services.round_sample(round=rnd, actor=personas["official_jn"])


def test_it_takes_the_size_per_hospital_and_per_category(pool, personas):
    rnd = services.round_sample(round=make_round(pool, personas, sample_size=4, sample_sizes={"H002": 2}),
                                actor=personas["official_jn"], seed=1)
    counts = {(i, c): 0 for i in ("H001", "H002") for c in ("death", "grade4_surgery")}
    for inst, cat, _r in _drawn(rnd):
        counts[(inst, cat)] += 1
    assert counts == {("H001", "death"): 4, ("H001", "grade4_surgery"): 4, ("H002", "death"): 2, ("H002", "grade4_surgery"): 2}
    assert rnd.draw["hospitals"]["H001"]["death"]["pool"] == 30


def test_it_draws_only_the_chosen_categories(pool, personas):
    rnd = make_round(pool, personas, categories=["unplanned_reoperation"], sample_size=10)
    services.round_sample(round=rnd, actor=personas["official_jn"], seed=3)
    drawn = _drawn(rnd)
    assert {c for _i, c, _r in drawn} == {"unplanned_reoperation"}
    assert len(drawn) == 6  # H001 has 6 such cases, H002 none: min(size, pool)
    assert all(Case.objects.get(record_number=r).unplanned_reoperation for _i, _c, r in drawn)


def test_it_notices_when_the_pool_changed_since_the_draw(pool, personas):
    rnd = services.round_sample(round=make_round(pool, personas), actor=personas["official_jn"], seed=5)
    from tests.case_reviews.conftest import rows

    services.case_pool_upsert(institution=pool.institutions["H001"], rows=rows("CARD", 3, "Z", died=True),
                              actor=personas["qc_office"])
    assert services.round_draw_check(rnd) is False


def test_it_refuses_a_round_over_a_hospital_outside_the_authority(pool, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_round(pool, personas | {"official_jn": personas["official_lx"]})
