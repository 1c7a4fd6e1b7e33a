"""Random input to every form and query string a coordinator and the umbrella administrator can
reach: never a server error, and a form that refuses its input changes nothing.

Nothing here names a form, a field or a parameter; they are discovered, so a new screen or field
is covered without editing this test:
- the URL patterns of our apps come from the resolver and are filled with organisation A's
  objects, as in ``test_url_access`` (its ``world`` and ``EXPECTED``: the URLs the role opens);
  the Wagtail page editor of each of our page models is added;
- Wagtail's own screens that take no object (listings, reports, choosers) and those of
  organisation A's pages and files are added for their query strings (their filters);
- each page is opened as the role: its HTML forms give the fields and the values a browser would
  send (hidden fields, formset management forms and buttons included), its links to itself give
  the query parameters it reads (``?export=csv``, ``?page=2``, ``?ordering=``), and the Django
  forms in the response's context tell what each field holds (a date, a time, a number, a
  choice, text).

Then each target gets hypothesis examples: for a page, a GET with random values in every
parameter and field name it shows; for a form that posts, the browser's values with some fields
replaced by random ones. Explicit examples put the edges into every field of one kind at once
(0001-01-01 and 9999-12-31 in every date, huge and negative numbers, 500-character text) and
leave the rest of the form valid, so that a value reaches the code behind a valid form. Every
example runs in a transaction that is rolled back, so each starts from the same world.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from wagtail.models import Page, get_page_models

from tests.security import test_url_access as access

world = access.world  # the fixture: organisation A's objects in every URL

#: The coordinator, then the umbrella administrator (her organisation pickers, the organisations,
#: the site history and the page editors; what the coordinator's walk covered is not sent again).
ROLES = ("coordinator", "superuser")
#: Parameters that lists, tables and exports read, sent to every page besides those it shows.
GENERIC_PARAMETERS = ("p", "page", "per_page", "ordering", "sort", "export", "q", "organisation")

EDGE_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "", "0000-00-00"]
EDGE_NUMBERS = ["99999999999", "-1", "0", "-99999999999999999999999", "1e400", "NaN", "0.001", ""]
EDGE_TIMES = ["24:00", "99:99", "00:00", "23:59", "", "7"]
LONG_TEXT = "x" * 500
EDGE_TEXTS = [LONG_TEXT, "", "\x00", "\u202e åäö 💥", "=1+1", "\r\n\t"]

#: The values an explicit example puts into every field of one kind (the rest stays valid).
EDGES = {
    "date": ["0001-01-01", "9999-12-31"],
    "datetime": ["0001-01-01 00:00", "9999-12-31 23:59"],
    "number": ["99999999999", "-1"],
    "text": [LONG_TEXT],
    "choice": ["99999999999999999999"],  # an id no column can hold
}

dates = st.one_of(
    st.sampled_from(EDGE_DATES),
    st.dates().map(datetime.date.isoformat),
    st.text(max_size=12),
)
times = st.one_of(st.sampled_from(EDGE_TIMES), st.times().map(lambda t: t.strftime("%H:%M")))
numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
texts = st.one_of(st.sampled_from(EDGE_TEXTS), st.text(max_size=600))


def strategy(kind: str, options: list[str]) -> st.SearchStrategy[str]:
    if kind == "date":
        return dates
    if kind == "datetime":
        return st.one_of(dates.map(lambda d: f"{d} 18:00"), dates)
    if kind == "time":
        return times
    if kind == "number":
        return numbers
    if kind == "bool":
        return st.sampled_from(["on", "", "false"])
    if kind == "choice":
        junk = st.one_of(st.integers(min_value=-(2**65), max_value=2**65).map(str), st.text(max_size=20))
        return st.one_of(st.sampled_from(options), junk) if options else junk
    return st.one_of(texts, numbers, dates)  # text, or a parameter of unknown kind


# Discovering the targets -----------------------------------------------------------------------


@dataclass
class Target:
    method: str
    path: str
    #: The values a browser sends, as (name, value) pairs (a name may repeat).
    baseline: list[tuple[str, str]]
    #: The fields to vary: name -> (kind, the options the page offers).
    fields: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    #: Random examples besides the explicit edge ones.
    max_examples: int = 3

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def data(self, values: dict[str, str | None]) -> dict[str, list[str]]:
        """The baseline with ``values`` in place of the fields they name (None keeps a field)."""
        replaced = {name for name, value in values.items() if value is not None}
        data: dict[str, list[str]] = {}
        for name, value in self.baseline:
            if name not in replaced:
                data.setdefault(name, []).append(value)
        for name in replaced:
            data[name] = [values[name]]
        return data


def kind_of(form_field: forms.Field | None, input_type: str) -> str:
    """What a field holds, from its Django form field, else from its HTML input type."""
    kinds = (
        (forms.DateTimeField, "datetime"),
        (forms.DateField, "date"),
        (forms.TimeField, "time"),
        (forms.IntegerField | forms.DecimalField | forms.FloatField, "number"),
        (forms.ChoiceField | forms.ModelChoiceField | forms.MultipleChoiceField, "choice"),
        (forms.BooleanField, "bool"),
    )
    for field_class, kind in kinds:
        if isinstance(form_field, field_class):
            return kind
    by_type = {"radio": "choice", "select": "choice", "checkbox": "bool", "number": "number", "date": "date"}
    return by_type.get(input_type, "text")


def sub_names(name: str, widget: forms.Widget) -> list[str]:
    """The HTML names of a multi-value field's parts: django-filter's suffixed widgets
    (``timestamp_from``, ``timestamp_to``), else Django's (``name_0``, ``name_1``)."""
    if hasattr(widget, "suffixes"):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    return [name + suffix for suffix in getattr(widget, "widgets_names", [])]


def context_fields(response) -> dict[str, forms.Field]:
    """Every Django form field in the response's context, by the name it has in the HTML
    (formsets' forms and management forms, Wagtail's child formsets and filter sets included)."""
    found: dict[str, forms.Field] = {}
    seen: set[int] = set()

    def add(value, depth=0):
        if id(value) in seen or depth > 3:
            return
        seen.add(id(value))
        if isinstance(value, forms.BaseForm):
            for name, form_field in value.fields.items():
                found.setdefault(value.add_prefix(name), form_field)
                if isinstance(form_field, forms.MultiValueField):  # "from – to": a name each
                    for sub_name, sub_field in zip(
                        sub_names(value.add_prefix(name), form_field.widget), form_field.fields, strict=False
                    ):
                        found.setdefault(sub_name, sub_field)
            for formset in getattr(value, "formsets", {}).values():
                add(formset, depth + 1)
        elif isinstance(value, forms.BaseFormSet):
            add(value.management_form, depth + 1)
            for form in value.forms:
                add(form, depth + 1)
        elif isinstance(getattr(value, "form", None), forms.BaseForm):  # a filter set
            add(value.form, depth + 1)

    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        if context is None:
            continue
        for value in context.flatten().values():
            add(value)
    return found


def html_forms(path: str, html: str) -> list[tuple[str, str, list[tuple[str, str]], dict]]:
    """(method, action path, the values a browser sends, {name: (input type, options)}) of each
    form on the page."""
    result = []
    soup = BeautifulSoup(html, "html.parser")
    for template in soup.find_all("template"):
        if "__prefix__" in str(template):  # "add another" blueprints, not part of the form
            template.decompose()
        else:  # a dialog's content (Wagtail's scheduled publishing): part of the form it posts in
            template.unwrap()
    for form in soup.find_all("form"):
        method = (form.get("method") or "get").lower()
        action = urlsplit(urljoin(path, form.get("action") or path)).path
        baseline: list[tuple[str, str]] = []
        inputs: dict[str, tuple[str, list[str]]] = {}
        for element in form.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name or "__prefix__" in name:
                continue
            tag = element.name
            input_type = (element.get("type") or ("submit" if tag == "button" else "text")).lower()
            if tag == "select":
                options = [option.get("value", option.text) for option in element.find_all("option")]
                chosen = [
                    o.get("value", o.text) for o in element.find_all("option") if o.has_attr("selected")
                ]
                if not chosen and options and not element.has_attr("multiple"):
                    chosen = options[:1]
                baseline += [(name, value) for value in chosen]
                inputs[name] = ("select", options)
            elif tag == "textarea":
                baseline.append((name, element.text))
                inputs[name] = ("textarea", [])
            elif input_type in ("submit", "button", "image", "reset"):
                if element.get("value") is not None:
                    options = inputs.get(name, ("radio", []))[1]
                    inputs[name] = ("radio", [*options, element["value"]])
            elif input_type in ("checkbox", "radio"):
                value = element.get("value", "on")
                if element.has_attr("checked"):
                    baseline.append((name, value))
                inputs[name] = (input_type, [*inputs.get(name, (input_type, []))[1], value])
            elif input_type == "file":
                continue
            else:
                baseline.append((name, element.get("value", "")))
                inputs[name] = (input_type, [])
        result.append((method, action, baseline, inputs))
    return result


def self_link_parameters(path: str, html: str) -> dict[str, list[str]]:
    """The query parameters of the page's links to itself, with the values they carry."""
    found: dict[str, list[str]] = {}
    for link in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        url = urlsplit(urljoin(path, link["href"]))
        if url.path == path and url.query:
            for name, value in parse_qsl(url.query, keep_blank_values=True):
                found.setdefault(name, []).append(value)
    return found


def scripted(baseline: list[tuple[str, str]], django_fields: dict[str, forms.Field]) -> list:
    """The baseline with what the page's scripts would add: a StreamField's inputs are made in
    the browser, so it is sent empty (its block count 0)."""
    names = {name for name, _value in baseline}
    extra = [
        (f"{name}-count", "0")
        for name, form_field in django_fields.items()
        if hasattr(form_field.widget, "block_def") and f"{name}-count" not in names
    ]
    return baseline + extra


def is_ours(path: str, ours: set) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func in ours


def page_editor_paths() -> list[str]:
    """The Wagtail editor of one page of each of our page models."""
    paths = []
    for model in get_page_models():
        if model._meta.app_label in access.PROJECT_APPS and model is not Page:
            page = model.objects.order_by("pk").first()
            if page is not None:
                paths.append(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return paths


def wagtail_listing_paths(theirs, world) -> list[str]:
    """Wagtail's own admin screens that take no object (listings, reports, choosers), and those
    of organisation A's objects the walk fills in: their filters (dates above all) are query
    strings a coordinator types too."""
    paths = []
    for route in theirs:
        if not route.in_admin or route.key in access.SHADOWED or route.name == access.WAGTAIL_ERROR_TEST:
            continue
        takes_nothing = "<" not in route.text and "(?P" not in route.text and "(" not in route.text
        if takes_nothing or route.key in access.WAGTAIL_EXPECTED:
            path = access.build_path(route, access.wagtail_values(route, world))
            if path is not None:
                paths.append(path)
    return paths


def discover(client, world, role: str) -> list[Target]:
    routes, theirs = access.split_routes()
    ours = {route.callback for route in routes}
    paths = [
        access.build_path(route, access.project_values(route, world))
        for route in routes
        if access.EXPECTED.get(route.key, {}).get(role) == access.OK
    ]
    editors = page_editor_paths()
    wagtails = wagtail_listing_paths(theirs, world)
    targets: list[Target] = []
    for path in [*paths, *editors, *wagtails]:
        got, response = access.request(client, "get", path)
        if path in editors + wagtails and got != access.OK:
            continue  # the page editor is for those with page permissions (the administrator)
        assert got == access.OK, f"GET {path} as {role}: {got}"
        is_html = not getattr(response, "streaming", False) and "html" in response.get("Content-Type", "")
        html = response.content.decode() if is_html else ""
        django_fields = context_fields(response) if response.context is not None else {}
        parameters: dict[str, tuple[str, list[str]]] = {}
        for name in GENERIC_PARAMETERS:
            parameters[name] = ("text", [])
        for name, values in self_link_parameters(path, html).items():
            parameters[name] = ("choice", values)
        for name, form_field in django_fields.items():
            parameters[name] = (kind_of(form_field, ""), [])
        for method, action, baseline, inputs in html_forms(path, html):
            typed = {
                name: (kind_of(django_fields.get(name), input_type), options)
                for name, (input_type, options) in inputs.items()
                if input_type != "hidden"  # the widgets' own data (rich text, management forms)
            }
            if method == "get":
                parameters.update(typed)
            elif path in wagtails:
                continue  # Wagtail's own forms that post: its screens, not ours
            elif action == path or (path not in editors and is_ours(action, ours)):
                targets.append(Target("post", action, scripted(baseline, django_fields), typed))
        if path in wagtails:
            # Wagtail's own screens: their typed filters (dates, numbers) with the search and the
            # page number; a screen without any is Wagtail's to test.
            typed = {n: kf for n, kf in parameters.items() if kf[0] in ("date", "datetime", "number")}
            if typed:
                pages = {n: parameters[n] for n in ("p", "page", "q") if n in parameters}
                targets.append(Target("get", path, [], {**typed, **pages}, max_examples=1))
            continue
        targets.append(Target("get", path, [], parameters))
    return targets


# Sending --------------------------------------------------------------------------------------


def refused_by_a_form(response) -> bool:
    """The answer shows a bound form with errors: the input was refused."""
    if response is None or response.status_code != 200 or response.context is None:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    return any(
        isinstance(value, forms.BaseForm) and value.is_bound and value.errors
        for context in contexts
        if context is not None
        for value in context.flatten().values()
    )


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def explicit_examples(target: Target) -> list[dict[str, str | None]]:
    """One example per edge value: every field of that kind gets it, the others are left as
    the browser sends them; and one with every field at its edge."""
    found = []
    for kind, values in EDGES.items():
        names = [name for name, (field_kind, _options) in target.fields.items() if field_kind == kind]
        if not names and kind == "number":  # parameters of unknown kind get numbers too
            names = [name for name, (field_kind, _options) in target.fields.items() if field_kind == "text"]
        for value in values if names else []:
            found.append({name: (value if name in names else None) for name in target.fields})
    # And every field at its first edge at once: a search with every filter (Wagtail's search
    # backend cannot take every filter a listing offers).
    together = {
        name: EDGES[kind][0] if kind in EDGES else None for name, (kind, _options) in target.fields.items()
    }
    if sum(value is not None for value in together.values()) > 1:
        found.append(together)
    return found


def fuzz(client, target: Target, unchanged: dict, problems: list[str]) -> None:
    values = st.fixed_dictionaries(
        {
            name: st.one_of(st.none(), strategy(kind, options))
            for name, (kind, options) in target.fields.items()
        }
    )

    @settings(
        max_examples=target.max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values)
    def send(values):
        cache.clear()  # the page caches are keyed on data versions that the rollback reuses
        with rolled_back():
            got, response = access.request(client, target.method, target.path, target.data(values))
            refused = target.method == "post" and refused_by_a_form(response)
            changed = refused and access.fingerprint() != unchanged
        sent = {name: value for name, value in values.items() if value is not None}
        assert not got.startswith("500"), f"{sent!r}: {got}"
        assert not changed, f"{sent!r}: refused, yet rows changed"

    for values_ in explicit_examples(target):
        send = example(values_)(send)
    try:
        send()
    except Exception as exc:  # every target is tried; the report names each that failed
        problems.append(f"{target.label}: {exc}")


def same_code(target: Target) -> tuple:
    """Targets answered by the same view class with the same fields are fuzzed once (a list and
    its results-only twin, the history of two kinds of records)."""
    callback = resolve(target.path).func
    return (target.method, getattr(callback, "view_class", callback), frozenset(target.fields))


def test_random_input_to_every_form_and_query_string_never_gets_a_server_error(world):
    problems: list[str] = []
    done: set[tuple] = set()
    for role in ROLES:
        client = access.client_for(world, role)
        with rolled_back():
            targets = discover(client, world, role)
        posts = [t for t in targets if t.method == "post"]
        assert len(targets) > 40 and len(posts) > 15, [t.label for t in targets]
        unchanged = access.fingerprint()
        for target in targets:
            if same_code(target) not in done:
                done.add(same_code(target))
                fuzz(client, target, unchanged, problems)
    assert not problems, "\n".join(problems)
