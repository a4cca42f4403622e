"""Possible duplicates across customers at intake (kesu/complaints/duplicates.py)."""

from datetime import timedelta

from django.utils import timezone

from kesu.complaints.duplicates import possible_duplicates, similarity
from kesu.complaints.models import Complaint
from kesu.complaints.search import grams_of
from kesu.customers.models import KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

ACCOUNT = (
    "客户说四月在本店买的途观，上周高速上仪表盘突然报发动机故障灯，车辆进入跛行模式，拖回店里。"
)


def _vehicle(world, name="张三", **kwargs):
    customer = CustomerFactory(organisation=world.org, name=name)
    return customer, PurchaseFactory(customer=customer, **kwargs)


def _codes(found):
    return {d.complaint.pk: [code for code, _detail in d.reasons] for d in found}


def test_the_same_vin_of_another_customer(world):
    customer, car = _vehicle(world, vin="LSVAB1234C5678901")
    complaint = world.complaint(customer=customer, purchase=car)
    caller = CustomerFactory(organisation=world.org)
    found = possible_duplicates(
        world.user(Role.FRONTLINE), vin="lsvab1234c5678901", exclude_customer_id=caller.pk
    )
    assert _codes(found) == {complaint.pk: ["vin"]}
    assert "LSVAB1234C5678901" in found[0].reason_texts[0]


def test_the_same_plate_and_the_same_person(world):
    customer, car = _vehicle(world, plate_number="沪A12345")
    complaint = world.complaint(customer=customer, purchase=car)
    found = possible_duplicates(world.user(Role.FRONTLINE), plate="沪A 12345", name="张三")
    assert _codes(found) == {complaint.pk: ["same_person"]}
    # Stored as written on the plate, with its dot: found as typed so, or as the caller's own.
    car.plate_number = "沪A·12345"
    car.save()
    assert _codes(possible_duplicates(world.user(Role.FRONTLINE), plate="沪A·12345"))


def test_the_same_order_reference(world):
    customer, order = _vehicle(world, reference="SO-2026-0815")
    complaint = world.complaint(customer=customer, purchase=order)
    found = possible_duplicates(world.user(Role.FRONTLINE), reference="so-2026-0815")
    assert _codes(found) == {complaint.pk: ["reference"]}


def test_a_key_persons_phone(world):
    company = CustomerFactory(organisation=world.org, name="某物流公司", is_company=True)
    KeyPerson.objects.create(customer=company, name="李四", phone="+8613911112222")
    complaint = world.complaint(customer=company)
    found = possible_duplicates(world.user(Role.FRONTLINE), phone="139 1111 2222")
    assert _codes(found) == {complaint.pk: ["key_person"]}
    assert "李四" in found[0].reason_texts[0]


def test_a_near_identical_account_within_the_days(world, settings):
    complaint = world.complaint(title="发动机故障灯亮", account=ACCOUNT)
    user = world.user(Role.FRONTLINE)
    typed = ACCOUNT.replace("上周", "前几天")
    found = possible_duplicates(user, title="发动机故障灯亮", account=typed)
    assert _codes(found) == {complaint.pk: ["account"]}
    assert similarity(set(grams_of(typed)), set(grams_of(ACCOUNT))) >= 0.6
    # Older than KESU_DUPLICATE_DAYS: not offered.
    Complaint.objects.filter(pk=complaint.pk).update(received_at=timezone.now() - timedelta(days=8))
    assert possible_duplicates(user, title="发动机故障灯亮", account=typed) == []
    settings.KESU_DUPLICATE_DAYS = 10
    assert _codes(possible_duplicates(user, title="发动机故障灯亮", account=typed))


def test_later_notes_do_not_hide_a_near_identical_account(world):
    complaint = world.complaint(title="发动机故障灯亮", account=ACCOUNT)
    notes = "维修站第一次检查未发现故障，建议客户继续观察。第二次检查更换了氧传感器。" * 3
    Complaint.objects.filter(pk=complaint.pk).update(
        search_grams=" ".join(grams_of("发动机故障灯亮", ACCOUNT, notes))
    )
    found = possible_duplicates(world.user(Role.FRONTLINE), title="发动机故障灯亮", account=ACCOUNT)
    assert _codes(found) == {complaint.pk: ["account"]}
    assert found[0].reasons == [("account", "100%")]


def test_the_callers_own_complaints_are_left_out(world):
    customer, car = _vehicle(world, vin="LSVAB1234C5678901")
    world.complaint(customer=customer, purchase=car, title="发动机故障灯亮", account=ACCOUNT)
    found = possible_duplicates(
        world.user(Role.FRONTLINE),
        vin="LSVAB1234C5678901",
        account=ACCOUNT,
        exclude_customer_id=customer.pk,
    )
    assert found == []


def test_an_ordinary_new_complaint_finds_nothing(world):
    _customer, car = _vehicle(world, vin="LSVAB1234C5678901", plate_number="沪A12345")
    world.complaint(customer=car.customer, purchase=car, title="发动机故障灯亮", account=ACCOUNT)
    found = possible_duplicates(
        world.user(Role.FRONTLINE),
        phone="13800001111",
        vin="LFV2A21K8E3000001",
        plate="京B99999",
        name="王五",
        title="销售顾问态度差",
        account="提车时销售顾问一直催促签字，没有解释贷款的手续费，客户觉得被欺骗了。",
    )
    assert found == []


def test_another_branch_is_never_shown(world):
    other_user = world.other_users[Role.FRONTLINE]
    customer, car = _vehicle(world, vin="LSVAB1234C5678901", plate_number="沪A12345")
    world.complaint(customer=customer, purchase=car, title="发动机故障灯亮", account=ACCOUNT)
    found = possible_duplicates(
        other_user,
        vin="LSVAB1234C5678901",
        plate="沪A12345",
        title="发动机故障灯亮",
        account=ACCOUNT,
    )
    assert found == []
    # The group sees it.
    assert possible_duplicates(world.user(Role.GROUP), vin="LSVAB1234C5678901")


def test_closed_long_ago_is_not_offered(world):
    customer, car = _vehicle(world, vin="LSVAB1234C5678901")
    complaint = world.complaint(customer=customer, purchase=car)
    Complaint.objects.filter(pk=complaint.pk).update(
        state="closed", closed_at=timezone.now() - timedelta(days=30)
    )
    assert possible_duplicates(world.user(Role.FRONTLINE), vin="LSVAB1234C5678901") == []
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=timezone.now() - timedelta(days=2))
    assert possible_duplicates(world.user(Role.FRONTLINE), vin="LSVAB1234C5678901")
    # A merged complaint is not a matter of its own.
    Complaint.objects.filter(pk=complaint.pk).update(state="merged")
    assert possible_duplicates(world.user(Role.FRONTLINE), vin="LSVAB1234C5678901") == []


def test_the_queries_are_bounded(world, django_assert_max_num_queries):
    for n in range(5):
        customer, car = _vehicle(world, vin=f"LSVAB1234C567890{n}", plate_number=f"沪A1234{n}")
        world.complaint(customer=customer, purchase=car, title="发动机故障灯亮", account=ACCOUNT)
    user = world.user(Role.FRONTLINE)
    with django_assert_max_num_queries(9):
        found = possible_duplicates(
            user,
            phone="13911112222",
            vin=[f"LSVAB1234C567890{n}" for n in range(5)],
            plate=[f"沪A1234{n}" for n in range(5)],
            reference="SO-1",
            title="发动机故障灯亮",
            account=ACCOUNT,
        )
    assert len(found) == 5
