"""Staff roles: who is a coordinator, which organisations a librarian works for, and the groups behind them.

A person's role comes from her staff memberships (`StaffMembership.role`); Django groups named after the roles
carry the model permissions. The groups and their permissions are declared here and written by
`sync_role_groups()`, which `migrate` runs (see `PartnersConfig.ready`) and `manage.py sync_roles` runs on
demand: nobody assigns permissions by hand.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.db import transaction

from .models import StaffMembership

LIBRARIAN = StaffMembership.Role.LIBRARIAN
COORDINATOR = StaffMembership.Role.COORDINATOR

ALL_ACTIONS = ("add", "change", "delete", "view")

# Models a librarian works on, within her organisations' scope (partners.admin.OrganisationScopedAdminMixin).
# Entries for models an installation does not have are skipped, so the list can name models apps add later.
LIBRARIAN_PERMISSIONS = {
    "activities.event": ALL_ACTIONS,
    # Registrations carry personal data: she reads and updates those of her events, and never deletes them
    # (erasure follows the retention rules of the activities app).
    "activities.registration": ("change", "view"),
    "activities.registrationtally": ("view",),
    "activities.attendance": ALL_ACTIONS,
    # Anonymous answers to "was it helpful?" of her events, to read.
    "activities.surveyanswer": ("view",),
    "mapping.initiative": ALL_ACTIONS,
    "resources.resource": ALL_ACTIONS,
    "resources.resourcefile": ALL_ACTIONS,
    "resources.goodpractice": ALL_ACTIONS,
    "resources.strategy": ALL_ACTIONS,
    "resources.actionitem": ALL_ACTIONS,
    # Read access lets her pick organisations (co-organisers, related organisations) in autocomplete fields.
    "partners.organisation": ("view",),
}

# Coordinators hold every permission of the portal's own apps, including models added later, and these.
COORDINATOR_APPS = ("partners", "activities", "mapping", "resources", "portal")
COORDINATOR_EXTRA_PERMISSIONS = {
    "auth.user": ("add", "change", "view"),
    "auth.group": ("view",),
    "axes.accessattempt": ("view", "delete"),
    "axes.accessfailurelog": ("view",),
    "axes.accesslog": ("view",),
    "otp_totp.totpdevice": ("view", "delete"),
    "otp_static.staticdevice": ("view", "delete"),
}
# Permissions of those apps a coordinator does not hold by her role: given to a person on purpose.
COORDINATOR_WITHHELD_PERMISSIONS = {
    # The addresses of the public's event alerts.
    "activities.manage_alerts",
}


def is_coordinator(user):
    """A superuser, or an active staff member with a coordinator membership."""
    if not (user.is_active and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_libri_is_coordinator", None)
    if cached is None:
        cached = user.memberships.filter(role=COORDINATOR).exists()
        user._libri_is_coordinator = cached
    return cached


def manageable_accounts(user, accounts):
    """The accounts of the `accounts` queryset whose user page, password and authenticators `user` may change.

    A superuser manages every account. A coordinator manages only accounts that hold no more than the librarian
    role: no superuser, no coordinator membership, no group but the librarians', no permission given to the person
    herself; never her own account nor another coordinator's, so that nobody raises her own powers or takes over an
    account with more of them. Everyone else manages none.
    """
    if not (user.is_active and user.is_authenticated):
        return accounts.none()
    if user.is_superuser:
        return accounts
    if not is_coordinator(user):
        return accounts.none()
    return (
        accounts.filter(is_superuser=False, user_permissions=None)
        .exclude(pk=user.pk)
        .exclude(memberships__role=COORDINATOR)
        .exclude(groups__in=Group.objects.exclude(name=LIBRARIAN))
    )


def may_manage_account(user, account):
    """Whether `user` may change `account` (see `manageable_accounts`)."""
    if account is None or account.pk is None:
        return False
    return manageable_accounts(user, type(account)._default_manager.filter(pk=account.pk)).exists()


def usernames_beyond_reach(user):
    """The user names, in lower case, of the accounts `user` may not manage (see `manageable_accounts`).

    What names an account only by its user name (a lockout: the name someone typed at the login) is out of her
    reach when the name is one of these, whatever its case.
    """
    User = get_user_model()
    accounts = User._default_manager.all()
    beyond = accounts.exclude(pk__in=manageable_accounts(user, accounts).values("pk"))
    return frozenset(name.lower() for name in beyond.values_list(User.USERNAME_FIELD, flat=True))


def organisation_ids(user):
    """Ids of the organisations the user works for, as a frozenset, read once per user object (one request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_libri_organisation_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("organisation_id", flat=True))
        user._libri_organisation_ids = cached
    return cached


def _permissions(apps, spec):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    wanted = []
    for label, actions in spec.items():
        app_label, model_name = label.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        wanted += [(content_type.pk, f"{action}_{model._meta.model_name}") for action in actions]
    if not wanted:
        return []
    permissions = Permission.objects.filter(content_type_id__in={ct for ct, _codename in wanted})
    wanted = set(wanted)
    return [p for p in permissions if (p.content_type_id, p.codename) in wanted]


def _app_permissions(apps, app_labels):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label__in=app_labels).select_related("content_type")
    withheld = COORDINATOR_WITHHELD_PERMISSIONS
    return [p for p in permissions if f"{p.content_type.app_label}.{p.codename}" not in withheld]


@transaction.atomic
def sync_role_groups(*, apps=global_apps, using="default"):
    """Create the role groups and give each exactly its declared permissions; safe to run any number of times."""
    if apps is global_apps:
        # Permissions of apps migrated after partners do not exist yet when its post_migrate signal fires.
        for app_config in global_apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=using)
    Group = apps.get_model("auth", "Group")
    librarians, _created = Group.objects.using(using).get_or_create(name=LIBRARIAN)
    coordinators, _created = Group.objects.using(using).get_or_create(name=COORDINATOR)
    librarians.permissions.set(_permissions(apps, LIBRARIAN_PERMISSIONS))
    coordinators.permissions.set(
        _app_permissions(apps, COORDINATOR_APPS) + _permissions(apps, COORDINATOR_EXTRA_PERMISSIONS)
    )
    return librarians, coordinators


def sync_user_groups(user):
    """Put the user in the groups of the roles her memberships give her, and out of the others.

    Staff status follows: a person with any membership can log in to the admin. Superusers keep theirs.
    """
    roles = set(user.memberships.values_list("role", flat=True))
    groups = {group.name: group for group in Group.objects.filter(name__in=[LIBRARIAN, COORDINATOR])}
    for name, group in groups.items():
        if name in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    if roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    for attribute in ("_libri_is_coordinator", "_libri_organisation_ids", "_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attribute, None)
