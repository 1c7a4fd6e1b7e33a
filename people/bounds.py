"""The bounds on what a person types: one definition of each, shared by every app.

Dates: every date a person types (in a form, a query string, an import or a command's option)
lies within :data:`EARLIEST_DATE` .. :data:`LATEST_DATE` (1900-01-01 .. 2100-12-31). Model date
fields carry :func:`validate_date_in_range`, so the admin's model forms and the imports check
them alike; a form field that is not a model's is a :class:`BoundedDateField`; imports and
commands read a typed date with :func:`parse_date` and a year with :func:`parse_year`.

Hours and months: :data:`MAX_HOURS` and :data:`MAX_MONTHS`, used by the models' fields (as
``MaxValueValidator``); other numbers carry their bound on their model field.

Imports check each value with the model field the admin form uses (:func:`clean_field`), so a
value the admin refuses is refused by the import too, with the same message.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.lookups import In
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The first and the last date a person may type anywhere.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

#: The most hours one training (a course unit, an external course) or a shift role's minimum
#: of continuing education may have.
MAX_HOURS = Decimal(1000)

#: The longest span in months: a qualification's validity, a shift role's training window.
MAX_MONTHS = 600

YEAR_OUT_OF_RANGE = gettext_lazy(
    "%(value)s is outside the years that can be entered: give a year from %(earliest)s to %(latest)s."
)
DATE_OUT_OF_RANGE = gettext_lazy(
    "%(value)s is outside the dates that can be entered: give a date from %(earliest)s to %(latest)s."
)


def validate_date_in_range(
    value: datetime.date | datetime.datetime | None, latest: datetime.date = LATEST_DATE
) -> None:
    """A model or form field validator: ``value`` (a date, or a datetime's local date) lies within
    the bounds (up to ``latest``)."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={
                "value": value.isoformat(),
                "earliest": EARLIEST_DATE.isoformat(),
                "latest": latest.isoformat(),
            },
        )


#: The latest an expiry can be: a date within the bounds plus the longest validity
#: (``MAX_MONTHS``). An expiry the app computed from the issue date is always within it.
LATEST_EXPIRY = datetime.date(LATEST_DATE.year + MAX_MONTHS // 12, 12, 31)


def validate_expiry_in_range(value: datetime.date | None) -> None:
    """An expiry date's validator: within the bounds, up to ``LATEST_EXPIRY``."""
    validate_date_in_range(value, LATEST_EXPIRY)


class BoundedDateTimeField(forms.DateTimeField):
    """A form date-and-time field refusing dates outside the bounds. Every Wagtail admin form
    uses it for a model's DateTimeField (``people.apps``): a page's scheduled publishing
    (``go_live_at``, ``expire_at``) at 0001-01-01 could not even be converted to the database's
    time zone (a server error)."""

    default_validators = [validate_date_in_range]


class LocalizedLimit:
    """A min/max validator whose message writes the limit as the language writes numbers
    ("större än eller lika med 0,25", not "0.25")."""

    def __call__(self, value):
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(cleaned, limit):
            params = {"limit_value": number_format(limit), "show_value": cleaned, "value": value}
            raise ValidationError(self.message, code=self.code, params=params)


class MinValue(LocalizedLimit, MinValueValidator):
    pass


class MaxValue(LocalizedLimit, MaxValueValidator):
    pass


def _invalid_date() -> str:
    from django.utils import timezone

    return _("write a valid date, for example %(example)s") % {"example": timezone.localdate().isoformat()}


#: What a person reads when what she typed is not a date ("2026-13-45", "igår"): with an example
#: in the form the fields read (today's date), after the field's label ("Datum: skriv ett ...").
INVALID_DATE = lazy(_invalid_date, str)()


class DateInWordsField(forms.DateField):
    """A form date field that answers what is not a date with :data:`INVALID_DATE`. Every
    Wagtail admin form uses it for a model's DateField (``people.apps``; the model field carries
    its own bounds), and django-filter's date filters read their dates with the same message
    (:func:`bound_filter_dates`)."""

    default_error_messages = {"invalid": INVALID_DATE}


class BoundedDateField(DateInWordsField):
    """A form date field (for dates that are not a model's field, and for query strings) that
    refuses what is not a date with :data:`INVALID_DATE` and dates outside the bounds with a
    clear message."""

    default_validators = [validate_date_in_range]


def bound_filter_dates() -> None:
    """Every django-filter date filter takes only dates within the bounds: Wagtail's page
    listings, page and object histories, site history and reports filter with them, and an aware
    datetime at 0001-01-01 or 9999-12-31 cannot even be sent to the database (an
    ``OverflowError``, a server error). A date outside the bounds is a message under the filter,
    and the filter is left out. Their form fields are set here once (``people.apps``), as Wagtail
    declares its filters itself."""
    import django_filters

    def bounded(field_class: type[forms.Field]) -> type[forms.Field]:
        class Bounded(field_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in getattr(self, "fields", None) or (self,):  # "from – to": both
                    field.validators.append(validate_date_in_range)
                    if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                        field.error_messages["invalid"] = INVALID_DATE

        Bounded.__name__ = Bounded.__qualname__ = f"Bounded{field_class.__name__}"
        return Bounded

    for filter_class in (
        django_filters.DateFilter,
        django_filters.DateTimeFilter,
        django_filters.IsoDateTimeFilter,
        django_filters.DateFromToRangeFilter,
        django_filters.DateTimeFromToRangeFilter,
        django_filters.IsoDateTimeFromToRangeFilter,
    ):
        if not filter_class.field_class.__name__.startswith("Bounded"):
            filter_class.field_class = bounded(filter_class.field_class)


class FiniteDecimalField(forms.DecimalField):
    """Django's decimal form field, refusing NaN and the infinities already when it reads the
    input. Django compares the input with the initial value to see what changed, and comparing a
    signalling NaN ("sNaN") raises an exception instead of answering (a server error). Every
    Wagtail admin form uses it for a model's DecimalField (``people.apps``)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class IntegerFieldIn(In):
    """``pk__in`` (any integer field's ``in``) leaves out the numbers its column cannot hold, as
    Django's own ``exact``/``lt``/``gt`` lookups do: a number no row can have matches nothing.
    Without it a random or tampered id in a multiple choice (attendees, circle leaders, Wagtail's
    history filter by user) fails in the database driver, a server error. Registered on
    ``IntegerField`` (so on every id) in ``people.apps``."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except KeyError:  # not a plain integer column
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def parse_date(value: str, latest: datetime.date = LATEST_DATE) -> datetime.date:
    """A date typed as YYYY-MM-DD (imports, command options) within the bounds (up to
    ``latest``: ``LATEST_EXPIRY`` for an expiry); ``ValueError`` with a message naming the
    problem otherwise."""
    try:
        if len(value) != 10:
            raise ValueError
        day = datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(_("'%(value)s' is not a date in the form YYYY-MM-DD") % {"value": value}) from exc
    try:
        validate_date_in_range(day, latest)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from exc
    return day


def parse_year(value: str | int) -> int:
    """A year typed by a person (the report, its command) within the bounds' years."""
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(_("'%(value)s' is not a year") % {"value": value}) from exc
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise ValueError(
            YEAR_OUT_OF_RANGE % {"value": year, "earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year}
        )
    return year


@functools.cache
def _form_field(model: type[models.Model], name: str) -> forms.Field | None:
    """The form field the admin's model form makes for a model field (made once: an import
    checks every cell of a file with it)."""
    return model._meta.get_field(name).formfield()


def clean_field(model: type[models.Model], name: str, value: Any) -> tuple[Any, list[str]]:
    """``value`` checked by ``model``'s field ``name`` exactly as the admin's model form checks it:
    by the field's form field (its type, required or not, max length, no NUL characters), then by
    the model field (its validators and bounds). Returns the cleaned value and the messages of
    what is wrong (none when it is right)."""
    field = model._meta.get_field(name)
    form_field = _form_field(model, name)
    try:
        if form_field is not None:
            value = form_field.clean(value)
        return field.clean(value, None), []
    except ValidationError as exc:
        return None, list(exc.messages)


def date_option(option: str, value: str | None) -> datetime.date | None:
    """A management command's date option (``--on``): None when it was not given, else the date
    as :func:`parse_date` reads it; a ``CommandError`` naming the option and the problem, in
    English as the rest of a command's output, otherwise."""
    if not value:
        return None
    try:
        with translation.override("en"):
            return parse_date(value)
    except ValueError as exc:
        raise CommandError(f"{option}: {exc}") from exc
