"""Two-factor authentication (TOTP, with backup tokens as recovery codes).

Any user may turn it on (the "Two-factor authentication" link in the user menu).
It is required of the secretaries and chairs of any committee and of staff:
`TwoFactorRequiredMiddleware` sends such a user who has no device to the setup
page from every page but setup, login and logout; a session of such a user
that was not verified with a token (a device added since, a login that skipped
the token step) is ended and the user asked to log in again. At login, a user
with a device is asked for a token by django-two-factor-auth's login wizard
(`LoginView` below, served at /accounts/login/).

With `DEMO_MODE` on (`make run`), the demo users of `load_demo` are exempt.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect
from django.urls import path
from two_factor import views as two_factor_views
from two_factor.utils import default_device

from minutes.models import Membership

# Committee roles whose holders must use two-factor authentication (staff must too).
REQUIRED_ROLES = (Membership.Role.SECRETARY, Membership.Role.CHAIR)

# Views a user who must set up two-factor authentication may still reach.
OPEN_VIEWS = {
    "login",
    "logout",
    "two_factor:login",
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
}


def is_demo_user(user):
    from opsg.demo import DEMO_USERS

    return user.get_username() in {username for username, *_ in DEMO_USERS}


def two_factor_required(user):
    """Must `user` use two-factor authentication? Staff, and secretaries and chairs of any committee."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True  # whatever DEMO_MODE says: it never exempts anyone who reaches /admin/
    if settings.DEMO_MODE and settings.DEBUG and is_demo_user(user):
        return False
    return Membership.objects.filter(user=user, role__in=REQUIRED_ROLES).exists()


class TwoFactorRequiredMiddleware:
    """Enforce two-factor authentication for those who must use it (after OTPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if not two_factor_required(user):
            return None
        if default_device(user) is None:
            messages.info(
                request,
                "Your role (a committee's secretary or chair, or staff) requires two-factor "
                "authentication. Set it up to continue.",
            )
            return redirect("two_factor:setup")
        # A device, but this session never gave a token: log in again, with the token.
        logout(request)
        messages.info(request, "Please log in again and enter the code from your authenticator app.")
        # Back here after logging in, unless this was a form post (its data is gone).
        return redirect_to_login(request.get_full_path()) if request.method == "GET" else redirect("login")


class LoginForm(AuthenticationForm):
    """Django's login form, which also refuses a username longer than any account's.

    Django only sets the field's maxlength attribute: a longer username reached
    authentication, and axes' record of the failed login (255 characters) failed
    with a server error.
    """

    def __init__(self, request=None, *args, **kwargs):
        # `request` named: two-factor's wizard passes it only to forms whose signature has it.
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginView(two_factor_views.LoginView):
    """The login page: username and password, then a token for a user with a device.

    The username and password fields keep their plain names ("username",
    "password"), and a post without the wizard's step field is the first step,
    so that a plain login form post works as with Django's own login view.
    """

    template_name = "registration/login.html"
    form_list = ((two_factor_views.LoginView.AUTH_STEP, LoginForm), *two_factor_views.LoginView.form_list[1:])

    def get_form_prefix(self, step=None, form=None):
        if (step or self.steps.current) == self.AUTH_STEP:
            return None
        return super().get_form_prefix(step, form)

    def post(self, *args, **kwargs):
        step_field = f"{self.prefix}-current_step"
        if step_field not in self.request.POST and "wizard_goto_step" not in self.request.POST:
            data = self.request.POST.copy()
            data[step_field] = self.AUTH_STEP
            self.request.POST = data
        return super().post(*args, **kwargs)

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        step = step or self.steps.current
        if "otp_token" in form.fields:
            if step == self.BACKUP_STEP:
                form.fields["otp_token"].label = "Recovery code"
            else:
                form.fields["otp_token"].label = "Authentication code"
                form.fields["otp_token"].widget.attrs["inputmode"] = "numeric"
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        return context


class SetupView(two_factor_views.SetupView):
    """Setup: a welcome page, then the QR code (served by the app) and the first code."""

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        if "token" in form.fields:
            form.fields["token"].label = "Authentication code"
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["two_factor_required"] = two_factor_required(self.request.user)
        return context


class ProfileView(two_factor_views.ProfileView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "two_factor_required": two_factor_required(self.request.user),
        }


class DisableView(two_factor_views.DisableView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "two_factor_required": two_factor_required(self.request.user),
        }


login_view = LoginView.as_view()

# django-two-factor-auth's pages, in its "two_factor" namespace, under /accounts/.
urlpatterns = [
    path("login/", login_view, name="login"),
    path("two-factor/", ProfileView.as_view(), name="profile"),
    path("two-factor/setup/", SetupView.as_view(), name="setup"),
    path("two-factor/qrcode/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
    path("two-factor/setup/complete/", two_factor_views.SetupCompleteView.as_view(), name="setup_complete"),
    path("two-factor/backup-tokens/", two_factor_views.BackupTokensView.as_view(), name="backup_tokens"),
    path("two-factor/disable/", DisableView.as_view(), name="disable"),
]
