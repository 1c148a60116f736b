from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from . import roles

# Admin pages a signed-in person reaches before her one-time password: the steps themselves and the way out.
OPEN_BEFORE_VERIFICATION = {
    "admin:partners_two_factor_verify",
    "admin:partners_two_factor_setup",
    "admin:partners_staffmembership_set_password",
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
}


class StaffTwoFactorMiddleware:
    """Sends staff who owe a one-time password to that step before any other admin page.

    Anyone with a confirmed authenticator must give a code from it at each login; coordinators without one must
    set one up when `settings.OTP_REQUIRED_FOR_COORDINATORS` is on. Needs django_otp's OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = self.step_for(request)
        if step:
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def step_for(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.namespace != "admin" or match.view_name in OPEN_BEFORE_VERIFICATION:
            return None
        if user_has_device(user):
            return "admin:partners_two_factor_verify"
        if settings.OTP_REQUIRED_FOR_COORDINATORS and roles.is_coordinator(user):
            return "admin:partners_two_factor_setup"
        return None
