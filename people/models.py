"""The people register: organisations and the people who belong to them."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from jour_core.collation import by_name
from jour_core.scoping import OrganisationScopedQuerySet, visible_organisation_ids

from . import membership
from .bounds import validate_date_in_range

#: The member groups a person can belong to (one person may be in several), in display order.
#: Each code maps to the boolean field ``group_<code>`` on :class:`User`.
MEMBER_GROUPS: dict[str, str] = {
    "volunteer": _("Volunteer"),
    "staff": _("Staff"),
    "board": _("Board"),
}


def group_field(code: str) -> str:
    """The boolean field on :class:`User` that stores membership of group ``code``."""
    if code not in MEMBER_GROUPS:
        raise ValueError(f"unknown member group {code!r}")
    return f"group_{code}"


class PersonHistoricalRecords(HistoricalRecords):
    """History of the register: every change to a person, with who and when.

    The password hash and the last login are never copied into the history, and a save that
    only stamps ``last_login`` (every login does one) records nothing.
    """

    SKIPPED_UPDATES = frozenset({"last_login"})

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= self.SKIPPED_UPDATES:
            return
        super().post_save(instance, created, using=using, **kwargs)


#: One instance, so that the Person proxy's signals (below) reach the same history.
PERSON_HISTORY = PersonHistoricalRecords(excluded_fields=["password", "last_login"])


def today() -> datetime.date:
    """Today's calendar date in the site's time zone (Europe/Stockholm)."""
    return timezone.localdate()


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user) -> OrganisationQuerySet:
        ids = visible_organisation_ids(user)
        if ids is None:
            return self.all()
        return self.filter(pk__in=ids)


class Organisation(models.Model):
    """A shelter association (kvinnojour, tjejjour). Every domain row belongs to one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    data_version = models.PositiveBigIntegerField(
        default=0, editable=False, help_text="Grows with every change to the organisation's records."
    )
    # What each organisation is given when it is made (people/provisioning.py): the Wagtail
    # permissions of its coordinators (on its course pages, its documents and images) are held by
    # a group of its own, and its documents and images live in a collection of its own.
    coordinators_group = models.OneToOneField(
        "auth.Group", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The data version is only ever bumped in the database (jour_core/versions.py): saving an
        # organisation loaded earlier must not write an older number back, and its name is on
        # the cached pages too, so a save bumps it.
        adding = self._state.adding
        if not adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "data_version"
            ]
        super().save(*args, **kwargs)
        if not adding:
            Organisation.objects.filter(pk=self.pk).update(data_version=models.F("data_version") + 1)


class PersonQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "organisation"

    def in_group(self, code: str) -> PersonQuerySet:
        return self.filter(**{group_field(code): True})

    def active_on(self, day: datetime.date) -> PersonQuerySet:
        """People who are members on ``day``: joined on or before it and not yet left."""
        return self.filter(membership.members_on(day))

    def choosable(self, day: datetime.date, keep: Iterable[int] = ()) -> PersonQuerySet:
        """The people a chooser offers: members on ``day`` (the record's, the qualification's,
        or today), and those already chosen (``keep``: ids), who may have left since, so that
        an old record can still be edited. In Swedish name order."""
        keep = [pk for pk in keep if pk is not None]
        condition = membership.members_on(day) | Q(pk__in=keep) if keep else membership.members_on(day)
        return by_name(self.filter(condition))


class PersonManager(BaseUserManager.from_queryset(PersonQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """Emails are logins and are compared case-insensitively: store them lower-cased."""
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> User:
        """The login: her address as she types it, in any case (they are stored lower-cased)."""
        return self.get(**{self.model.USERNAME_FIELD: self.normalize_email(username)})


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a volunteer, a member of staff or of the board, or an administrator.

    The email address is the login. People can exist without a usable password (they are
    invited later). Membership dates and groups are what the register, the clearance
    engine and the reports are built on.
    """

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        help_text=_("Empty only for umbrella administrators."),
    )
    group_volunteer = models.BooleanField(_("volunteer"), default=False)
    group_staff = models.BooleanField(_("staff"), default=False)
    group_board = models.BooleanField(_("board"), default=False)
    joined_on = models.DateField(_("joined on"), null=True, blank=True, validators=[validate_date_in_range])
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[validate_date_in_range])
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_(
            "Skyddade personuppgifter: the name is shown only in the people register, "
            "never in feeds, exports or reports."
        ),
    )
    session_reminders = models.BooleanField(
        _("reminders before sessions"),
        default=False,
        help_text=_("An email the day before each of her sessions; she turns it on in My training."),
    )
    is_active = models.BooleanField(
        _("active account"),
        default=True,
        help_text=_("Whether this person can log in. Untick instead of deleting."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = PersonManager()
    history = PERSON_HISTORY

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="person_left_on_after_joined_on",
            )
        ]
        indexes = [models.Index(fields=["organisation", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = PersonManager.normalize_email(self.email)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.email = PersonManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_staff(self) -> bool:
        """Whether Django's own admin (``django.contrib.admin``, if a host mounts it) lets her in:
        only the umbrella administrator (a superuser). That admin knows nothing of
        organisations, so it would show one organisation's rows to another's coordinator;
        coordinators and the board work in Wagtail's admin, which is scoped. Read-only: set
        ``is_superuser`` instead."""
        return self.is_superuser

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def member_groups(self) -> list[str]:
        """The codes of the member groups this person belongs to, in display order."""
        return [code for code in MEMBER_GROUPS if getattr(self, group_field(code))]

    def member_groups_display(self) -> str:
        return ", ".join(str(MEMBER_GROUPS[code]) for code in self.member_groups)

    member_groups_display.short_description = _("groups")

    def protected_identity_display(self) -> str:
        return str(_("Protected")) if self.protected_identity else ""

    protected_identity_display.short_description = _("protected identity")

    def status_display(self) -> str:
        status = membership.membership_on(self.joined_on, self.left_on, today())
        if status == membership.LEFT:
            return pgettext("membership", "Left")
        if status == membership.ACTIVE:
            return pgettext("membership", "Active")
        return pgettext("membership", "Not yet joined")

    status_display.short_description = _("status")


class RegisterQuerySet(PersonQuerySet):
    def for_user(self, user) -> RegisterQuerySet:
        """The register a user may see: her organisation's people, and never the umbrella
        administrators (superusers) unless she is one."""
        people = super().for_user(user)
        return people if getattr(user, "is_superuser", False) else people.filter(is_superuser=False)


class Person(User):
    """The people register as coordinators see it in the admin.

    A proxy of :class:`User` so that the register has permissions of its own
    (``people.view_person``, ``people.add_person``, ...), separate from the account
    administration that only superusers have (``people.change_user``).
    """

    objects = PersonManager.from_queryset(RegisterQuerySet)()

    class Meta:
        proxy = True
        verbose_name = _("person")
        verbose_name_plural = _("people")


# Django sends a proxy's save and delete signals with the proxy as sender: changes made through
# the register (the Person proxy) are recorded in the same User.history.
for _signal, _receiver in (
    (models.signals.post_save, PERSON_HISTORY.post_save),
    (models.signals.pre_delete, PERSON_HISTORY.pre_delete),
    (models.signals.post_delete, PERSON_HISTORY.post_delete),
):
    _signal.connect(_receiver, sender=Person, weak=False)
Person._meta.simple_history_manager_attribute = "history"


def _pending_import_token() -> str:
    return secrets.token_urlsafe(32)


class PendingImportQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "organisation"


class PendingImport(models.Model):
    """An uploaded people file between its preview and its confirmation (``people.importing``).

    The file is kept here, never in the page: the confirmation form carries only the random
    ``token``. Only the person who uploaded it may confirm it, for an organisation she may see;
    it is used once, and gone after ``PEOPLE_IMPORT_PENDING_HOURS``.
    """

    token = models.CharField(max_length=64, unique=True, default=_pending_import_token, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    file_name = models.CharField(max_length=255, blank=True)
    #: The file's bytes as uploaded, and their SHA-256 (checked again on confirmation).
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"{self.file_name or self.token[:8]} ({self.created_at:%Y-%m-%d %H:%M})"
