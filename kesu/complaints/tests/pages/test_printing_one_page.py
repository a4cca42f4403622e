"""A typical handling notice (QR code included) and closing letter (the recourse list) print on
one A4 page: WeasyPrint's PDF is counted, not guessed from the HTML."""

import io

import pytest
from pypdf import PdfReader

from kesu.complaints import printing
from kesu.complaints.models import Complaint, RecourseOption
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

ACCOUNT = (
    "客户反映：车辆在4S店做完4万公里保养后，冷车启动时发动机舱内有明显的“吱吱”异响，持续约"
    "十秒钟后消失；热车后偶尔也会出现。客户已于上周三回店检查一次，当时未能复现，技师建议继续"
    "观察。客户对此表示不满，认为保养质量有问题，并担心影响行车安全，要求尽快查明原因。"
)


def pages(response) -> int:
    assert response["Content-Type"] == "application/pdf"
    return len(PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def typical(world):
    """A demo-like complaint: a long-ish account, the remedy and actions filled in, closed, and
    the organisation's recourse list made longer than the defaults."""
    from kesu.complaints.tests.helpers import closed_complaint

    world.branch.address = "北京市朝阳区东三环北路甲19号"
    world.branch.phone = "010-6500 1234"
    world.branch.save()
    customer = CustomerFactory(organisation=world.org, name="王建国", phone="+8613812345678")
    complaint = closed_complaint(
        world,
        customer=customer,
        title="保养后冷车启动发动机异响",
        account=ACCOUNT,
        demand="repair",
        demand_detail="免费检修并书面说明原因",
        staff_involved="服务顾问 李明",
        promise_made_by="服务经理 张强",
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        solution="免费更换发动机皮带张紧器及附件皮带，并赠送一次全车检测；由服务经理电话回访。",
        root_cause="张紧器轴承磨损，保养时未按检查单检查附件皮带系统。",
        corrective_action="对保养检查单增加附件皮带与张紧器检查项，技师培训一次。",
        preventive_action="每月抽查十台保养车辆的检查单执行情况。",
        third_party_reference="12315-2026-0088123",
        third_party_contact="朝阳区市场监管局 赵科长",
    )
    extra = [
        ("insurer", "车辆保险公司客服热线", "Your insurer's hotline", "95519"),
        ("mediation", "人民调解委员会", "People's mediation committee", "所在街道司法所"),
    ]
    order = RecourseOption.objects.filter(organisation=world.org).count()
    for i, (code, name, name_en, how) in enumerate(extra):
        RecourseOption.objects.create(
            organisation=world.org,
            code=code,
            name=name,
            name_en=name_en,
            how=how,
            how_en=how,
            time_limit="自知道权利受到损害之日起三年内（《民法典》第一百八十八条）",
            time_limit_en="Three years from the day you knew of the harm (Civil Code, Article 188)",
            sort_order=order + i + 1,
        )
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("document", ["notice", "closure", "open-notice"])
def test_a_typical_printout_fits_one_a4_page(client, world, typical, language, document):
    client.force_login(world.user(Role.DIRECTOR))
    client.cookies["django_language"] = language
    complaint = typical
    if document == "open-notice":  # as handed to the department: its running deadlines listed
        complaint = world.complaint(
            customer=typical.customer,
            title=typical.title,
            account=typical.account,
            demand="repair",
            demand_detail=typical.demand_detail,
        )
        assert printing._deadlines(complaint)
    printout = "notice" if document == "open-notice" else document
    response = client.get(f"/complaints/{complaint.pk}/print/{printout}.pdf")
    assert response.status_code == 200
    assert RecourseOption.objects.filter(organisation=world.org, is_active=True).count() >= 6
    assert pages(response) == 1
