from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

# Admin pages a signed-in person reaches before her one-time password: the way out, and the step she owes (see
# `StaffTwoFactorMiddleware.step_for`).
OPEN_BEFORE_VERIFICATION = {
    "admin:partners_staffmembership_set_password",
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
}


def owed_two_factor_step(user):
    """The one-time password step a signed-in staff member still owes, as the name of its admin view, or None.

    Anyone with a confirmed authenticator must give a code from it at each login; staff without one must set one up
    when `settings.OTP_REQUIRED_FOR_STAFF` is on.
    """
    if user.is_verified():
        return None
    if user_has_device(user):
        return "admin:partners_two_factor_verify"
    if settings.OTP_REQUIRED_FOR_STAFF and user.is_staff:
        return "admin:partners_two_factor_setup"
    return None


def redirect_to_two_factor_step(request, step):
    """To the step, coming back to the page asked for once it is done."""
    return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class StaffTwoFactorMiddleware:
    """Sends staff who owe a one-time password (`owed_two_factor_step`) to that step before any other admin page.
    Needs django_otp's OTPMiddleware before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = self.step_for(request)
        if step:
            return redirect_to_two_factor_step(request, step)
        return self.get_response(request)

    def step_for(self, request):
        # The path first: the user is read only for admin pages, so that public pages never open the session (an
        # opened session makes a response vary on the cookie, and shared caches then keep a copy per visitor).
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.namespace != "admin" or match.view_name in OPEN_BEFORE_VERIFICATION:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        # Only the step owed is open (all of them when none is): with the password alone, someone could otherwise
        # pair a new authenticator on the setup page and replace the owner's.
        step = owed_two_factor_step(user)
        return None if step == match.view_name else step
