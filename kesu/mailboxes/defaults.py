"""The message templates every organisation starts with (editable in the admin afterwards).

The texts are data in each language, not translations of the interface: an organisation edits
its own copy. The installer and the data migration both take them from `template_rows`.
"""

from kesu.mailboxes.choices import MessageChannel as C
from kesu.mailboxes.choices import MessageKind as K

ZH, EN = "zh-hans", "en"

# (kind, channel, language): (subject, body)
TEMPLATES = {
    (K.ACKNOWLEDGEMENT, C.EMAIL, ZH): (
        "[{number}] 我们已收到您的来信",
        "{name}，您好：\n\n我们已收到您的来信“{title}”，受理编号为 {number}（{received}）。"
        "我们会尽快与您联系。回复本邮件时请保留主题中的编号，您的回复会自动归入该记录。\n\n"
        "如需帮助，请致电 {hotline}。\n\n{branch}",
    ),
    (K.ACKNOWLEDGEMENT, C.EMAIL, EN): (
        "[{number}] We have received your message",
        "Dear {name},\n\nWe have received your message “{title}” and registered it as "
        "{number} ({received}). We will be in touch soon. If you reply, keep the number in the "
        "subject so that your reply joins the same case.\n\nYou can also call us on "
        "{hotline}.\n\n{branch}",
    ),
    (K.ACKNOWLEDGEMENT, C.SMS, ZH): (
        "",
        "{name}您好，您的反馈已受理，编号 {number}，我们会尽快联系您。",
    ),
    (K.ACKNOWLEDGEMENT, C.SMS, EN): (
        "",
        "Dear {name}, we have registered your message as {number} and will contact you soon.",
    ),
    (K.PROGRESS, C.EMAIL, ZH): (
        "[{number}] 处理进展",
        "{name}，您好：\n\n关于您的反馈 {number}“{title}”，最新进展如下：\n\n{text}\n\n"
        "如有疑问，请直接回复本邮件或致电 {hotline}。\n\n{branch}",
    ),
    (K.PROGRESS, C.EMAIL, EN): (
        "[{number}] Progress on your case",
        "Dear {name},\n\nHere is the latest on your case {number} “{title}”:\n\n{text}\n\n"
        "Reply to this e-mail or call {hotline} if you have questions.\n\n{branch}",
    ),
    (K.PROGRESS, C.SMS, ZH): ("", "{name}您好，您的反馈 {number} 最新进展：{text}"),
    (K.PROGRESS, C.SMS, EN): ("", "Dear {name}, news on {number}: {text}"),
    (K.CLOSURE, C.EMAIL, ZH): (
        "[{number}] 您的反馈已处理完毕",
        "{name}，您好：\n\n您的反馈 {number}“{title}”已处理完毕并结案。感谢您的耐心。\n\n"
        "处理经过和结果请见：\n{tracking}\n\n"
        "如您仍不满意，请致电 {hotline}，或在以下期限内向这些机构反映：\n{recourse}\n\n{branch}",
    ),
    (K.CLOSURE, C.EMAIL, EN): (
        "[{number}] Your case is closed",
        "Dear {name},\n\nYour case {number} “{title}” has been dealt with and is now closed. "
        "Thank you for your patience.\n\nHow it was handled, and the result:\n{tracking}\n\n"
        "If you are still not satisfied, call us on {hotline}, or turn to one of these within "
        "its time limit:\n{recourse}\n\n{branch}",
    ),
    (K.CLOSURE, C.SMS, ZH): (
        "",
        "{name}您好，您的反馈 {number} 已处理完毕并结案，详情：{tracking}\n"
        "如仍不满意，请致电 {hotline}，或在期限内向以下机构反映：\n{recourse}",
    ),
    (K.CLOSURE, C.SMS, EN): (
        "",
        "Dear {name}, your case {number} is closed, details: {tracking}\n"
        "Still not satisfied? Call us on {hotline}, or within its time limit turn to:\n{recourse}",
    ),
    (K.SURVEY, C.EMAIL, ZH): (
        "[{number}] 请评价我们的服务",
        "{name}，您好：\n\n请花一分钟告诉我们这次处理是否让您满意：\n{url}\n"
        "（链接有效期至 {until}）\n\n{branch}",
    ),
    (K.SURVEY, C.EMAIL, EN): (
        "[{number}] How did we do?",
        "Dear {name},\n\nPlease take a minute to tell us how we handled your case:\n{url}\n"
        "(open until {until})\n\n{branch}",
    ),
    (K.SURVEY, C.SMS, ZH): ("", "{name}您好，请花一分钟评价我们的服务：{url}（有效期至 {until}）"),
    (K.SURVEY, C.SMS, EN): (
        "",
        "Dear {name}, please tell us how we did, it takes a minute: {url} (open until {until})",
    ),
}

# The closure e-mails as they were installed before they carried the tracking link and the
# time limits: a template still reading so is brought up to date (migration 0004).
OLD_CLOSURE = {
    ZH: "{name}，您好：\n\n您的反馈 {number}“{title}”已处理完毕并结案。感谢您的耐心。\n\n"
    "如您仍不满意，请致电 {hotline}，或向以下机构反映：\n{recourse}\n\n{branch}",
    EN: "Dear {name},\n\nYour case {number} “{title}” has been dealt with and is now closed. "
    "Thank you for your patience.\n\nIf you are still not satisfied, call us on {hotline} "
    "or turn to:\n{recourse}\n\n{branch}",
}


def template_rows(organisation_id: int) -> list[dict]:
    return [
        {
            "organisation_id": organisation_id,
            "kind": str(kind),
            "channel": str(channel),
            "language": language,
            "subject": subject,
            "body": body,
        }
        for (kind, channel, language), (subject, body) in TEMPLATES.items()
    ]


def install_message_templates(organisation) -> None:
    """Give the organisation the default templates it lacks (the complaints' defaults hook)."""
    from kesu.mailboxes.models import MessageTemplate

    MessageTemplate.objects.bulk_create(
        [MessageTemplate(**row) for row in template_rows(organisation.pk)], ignore_conflicts=True
    )
