"""Who has passed both steps of the staff login: the password and the one-time password.

What staff alone may see outside the admin (previews of unpublished pages, the contact columns of the initiatives'
export) is given only after both steps. The password alone, stolen or guessed, must not open it, whether or not
`settings.OTP_REQUIRED_FOR_STAFF` makes the admin ask for the second step.
"""


def is_verified_staff(user) -> bool:
    """Whether `user` is an active staff member who gave a one-time password in this session.

    `is_verified()` is django-otp's (set on `request.user` by its OTPMiddleware): true once a device of hers
    confirmed a code in this session. A staff member without an authenticator is never verified.
    """
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.is_verified())
