import time

from kesu.triage import models


def test_the_shipped_model_is_small_loads_fast_and_knows_the_areas():
    assert models.SHIPPED_MODEL.stat().st_size < 3_000_000
    models.shipped_model.cache_clear()
    started = time.perf_counter()
    model = models.shipped_model()
    assert time.perf_counter() - started < 2
    assert set("ABDEFGHIJKLMN") <= set(model.labels)
    assert model.predict("刹车异响，制动距离变长")[0].label == "E"
