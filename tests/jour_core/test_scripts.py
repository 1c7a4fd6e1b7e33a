"""``{% filter deferred %}`` (jour_core/templatetags/jour_scripts.py): external scripts deferred
in their order, the scripts named left out, nothing else touched."""

from jour_core.templatetags.jour_scripts import deferred, script_name

PAGE = """<script id="wagtail-config" type="application/json">{"a": 1}</script>
<script src="/static/wagtailadmin/js/vendor/jquery-3.6.0.min.b99e3172f9b5.js"></script>
<script src="/static/wagtailadmin/js/vendor/tag-it.f3fbc3e61e77.js"></script>
<script src="/admin/jsi18n/"></script>
<script async src="/static/a.js"></script>
<script defer src="/static/b.js"></script>
<script src="/static/wagtailadmin/js/core.js" data-x="1"></script>"""


def test_every_external_script_is_deferred_once_in_its_order():
    html = deferred(PAGE)
    assert html.count("<script defer ") == 5
    assert "defer defer" not in html
    assert "<script async src" in html
    assert html.index("jquery-3.6.0") < html.index("tag-it") < html.index("jsi18n") < html.index("core.js")
    assert '<script id="wagtail-config" type="application/json">{"a": 1}</script>' in html


def test_scripts_named_are_left_out_hashed_or_not():
    html = deferred(PAGE, ("wagtailadmin/js/vendor/tag-it.js", "wagtailadmin/js/core.js"))
    assert "tag-it" not in html and "core.js" not in html
    assert html.count("<script") == 5
    assert "jquery-3.6.0" in html


def test_script_name_drops_the_static_url_the_hash_and_the_query():
    assert script_name("/static/wagtailadmin/js/vendor/tag-it.f3fbc3e61e77.js?v=1") == (
        "wagtailadmin/js/vendor/tag-it.js"
    )
    assert script_name("/static/wagtailadmin/js/vendor/jquery-ui-1.13.2.min.js") == (
        "wagtailadmin/js/vendor/jquery-ui-1.13.2.min.js"
    )
    assert script_name("/admin/jsi18n/") == "/admin/jsi18n/"
