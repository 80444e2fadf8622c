from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.offices.models import Office

# Where a user read from the member cache keeps the session hash of its password.
SESSION_HASH_ATTR = "_mitra_session_hash"


class UserCacheQuerySet(models.QuerySet[Any]):
    """A bulk `.update()` bypasses the save signals: forget what is cached of the users it
    touches (their API-token lookups, `accounts.tokens`, and their signed-in copy,
    `accounts.member_cache`), except for bookkeeping-only columns."""

    user_field = "user_id"
    bookkeeping = frozenset({"last_used_at", "last_login"})

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) <= self.bookkeeping:
            return super().update(**kwargs)
        from .tokens import users_changed

        user_ids = list(self.order_by().values_list(self.user_field, flat=True).distinct())
        count = super().update(**kwargs)
        users_changed(user_ids=user_ids)
        return count


class UserQuerySet(UserCacheQuerySet):
    user_field = "pk"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who logs in, by email."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=160, blank=True)
    preferred_language = models.CharField(
        _("bahasa"), max_length=8, default="id", choices=[("id", "Indonesia"), ("en", "English")]
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_session_auth_hash(self) -> str:
        """Django's session hash; a copy from the member cache, which holds no password
        hash, carries the one computed when it was read (`accounts.member_cache`). A
        password set since (the change-password form) is used as Django would."""
        if "password" not in self.__dict__ and SESSION_HASH_ATTR in self.__dict__:
            return str(self.__dict__[SESSION_HASH_ATTR])
        return super().get_session_auth_hash()


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin KPU")
    STAFF = "staff", _("Staf KPU")
    OBSERVER = "observer", _("Pemantau")
    COORDINATOR = "coordinator", _("Koordinator mitra")


COMMISSION_ROLES = frozenset({Role.ADMIN, Role.STAFF})


class Membership(models.Model):
    """A user's role in one office; a coordinator also belongs to exactly one partner."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinators",
        verbose_name=_("mitra"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserCacheQuerySet.as_manager()

    # Never stored: set on a read-only view of an office below the person's own office
    # (`accounts.selectors.membership_viewing`); it is their own membership, which still
    # decides sign-in matters such as the second factor.
    home: Membership | None = None

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="one_role_per_office"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="coordinator", partner__isnull=False)
                    | (~models.Q(role="coordinator") & models.Q(partner__isnull=True))
                ),
                name="coordinator_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.office}"

    @property
    def is_commission(self) -> bool:
        return self.role in COMMISSION_ROLES

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def own(self) -> Membership:
        """The person's own membership: this one, or the one a read-only view comes from."""
        return self.home or self


class ApiToken(models.Model):
    """A token for integrations and scanner devices; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=80, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = UserCacheQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
