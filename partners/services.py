"""Writes of the partners app: staff invitations and memberships."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from groundwork.queue import enqueue_on_commit

from .models import Organisation, StaffMembership
from .roles import sync_user_groups


def password_set_url(user):
    """An absolute link where the user chooses a password; it expires after `PASSWORD_RESET_TIMEOUT` seconds
    and stops working once a password is set (Django's password-reset token)."""
    path = reverse(
        "admin:partners_staffmembership_set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def staff_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str = StaffMembership.Role.LIBRARIAN,
    invited_by,
):
    """Create a staff account with its membership and e-mail the person a link to set her password.

    The account has no usable password until she follows the link. Raises ValidationError when an account with
    that e-mail address exists already (give that person a membership instead).
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this e-mail address exists already; add a staff membership for it instead.")}
        )
    user = User(username=email.lower(), email=email, first_name=first_name, last_name=last_name, is_staff=True)
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        # The address is her user name as well: what the account refuses, the address field says.
        raise ValidationError({"email": error.messages}) from None
    user.save()
    membership = StaffMembership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    sync_user_groups(user)
    _send_invitation(membership, invited_by=invited_by)
    return user


def staff_invitation_resend(*, membership: StaffMembership, invited_by) -> bool:
    """E-mail a new link to set her password to a person who has not set one yet (the first link expired or went
    astray). False, and nothing sent, when she has a password already: she signs in, or resets it herself."""
    if membership.user.has_usable_password() or not membership.user.is_active:
        return False
    _send_invitation(membership, invited_by=invited_by)
    return True


def _send_invitation(membership: StaffMembership, *, invited_by) -> None:
    # The link is made when the e-mail goes out, so it is valid for its full time from then.
    enqueue_on_commit("partners.tasks.send_staff_invitation", membership.pk, invited_by.pk, get_language())


def staff_invitation_send(*, membership: StaffMembership, invited_by) -> None:
    """E-mail her the link to choose her password (the work of `partners.tasks.send_staff_invitation`)."""
    user = membership.user
    context = {
        "user": user,
        "organisation": membership.organisation,
        "role": membership.get_role_display(),
        "invited_by": invited_by.get_full_name() or invited_by.get_username(),
        "url": password_set_url(user),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = _("Your LIBRI staff account")
    body = render_to_string("partners/email/staff_invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def totp_device_for_setup(user):
    """The user's unconfirmed authenticator device, created on first use; confirmed ones are left alone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, device, token: str):
    """Confirm an authenticator device with a token it produced; returns fresh backup codes, or None."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return backup_codes_renew(device.user)


@transaction.atomic
def backup_codes_renew(user):
    """Replace the user's backup codes (each works once, when the phone is not at hand) and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _index in range(settings.OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
