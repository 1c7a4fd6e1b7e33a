"""What the plugins add to the site's user model must not clash with what a site's own apps add:
every reverse accessor and query name the plugins' models put on the user starts with ``jour_``
(or there is none, ``related_name="+"``). A site's ``Enrolment`` with ``related_name="enrolments"``
beside ours failed ``check`` with fields.E304 (issue 20)."""

from django.contrib.auth import get_user_model

PLUGINS = {"jour_core", "people", "courses", "certifications", "quality"}


def test_every_name_the_plugins_put_on_the_user_starts_with_jour():
    names = {}
    for relation in get_user_model()._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.related_model.__module__.split(".")[0] not in PLUGINS or relation.hidden:
            continue
        names[relation.related_model._meta.label] = (
            relation.get_accessor_name(),
            relation.field.related_query_name(),
        )
    assert len(names) >= 9, names
    clashing = {label: pair for label, pair in names.items() if not all(n.startswith("jour_") for n in pair)}
    assert not clashing
