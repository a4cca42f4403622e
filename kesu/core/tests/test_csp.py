"""The Content-Security-Policy holds: no page needs an inline script or an inline handler."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _kesu_templates():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(d) for d in get_app_template_dirs("templates") if "/kesu/" in str(d)]
    for root in roots:
        yield from sorted(root.rglob("*.html"))


@pytest.mark.parametrize("template", list(_kesu_templates()), ids=lambda p: p.name)
def test_no_template_has_inline_script(template):
    text = template.read_text()
    problems = [
        what
        for what, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("inline on…= handler", INLINE_HANDLER),
            ("javascript: URL", JS_URL),
        ]
        if pattern.search(text)
    ]
    assert not problems, f"{template}: {problems}"


def test_pages_carry_the_policy(client, world):
    client.force_login(world.user("frontline"))
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_pages_are_offline_and_inline_script_free(client, path):
    html = client.get(path).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert "googleapis" not in html and "https://" not in html.split("<body")[0]


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<input type="checkbox" onchange="go()">',
        '<a href="javascript:void(0)">x</a>',
    ],
)
def test_the_scan_sees_what_the_policy_would_block(snippet):
    assert any(p.search(snippet) for p in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL))


def test_the_scan_lets_script_files_and_data_attributes_pass():
    ok = '<script src="/static/web/kesu.js" defer></script><input data-submit-on-change>'
    assert not any(p.search(ok) for p in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL))


def test_no_htmx_attribute_needs_eval():
    # Trigger filters ([...]), js: values and hx-on run through eval, which the policy forbids.
    needs_eval = re.compile(r"""hx-trigger="[^"]*\[|hx-(vals|vars)=["']\s*(js|javascript):|hx-on""")
    found = [str(t) for t in _kesu_templates() if needs_eval.search(t.read_text())]
    assert not found, found
