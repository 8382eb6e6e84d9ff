from django.urls import path

from . import views, views_account, views_counter, views_otp

app_name = "identity"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views_account.register, name="register"),
    path("password-reset/", views_account.password_reset, name="password_reset"),
    path("password-reset/code/", views_account.password_reset_code, name="password_reset_code"),
    path("enterprises/agents/", views_account.enterprise_agents, name="enterprise_agents"),
    path("enterprises/agents/<int:pk>/decide/", views_account.enterprise_agent_decide, name="enterprise_agent_decide"),
    path("acting/", views_account.acting_switch, name="acting_switch"),
    path("sessions/end/", views_account.session_end, name="session_end"),
    path("enterprises/register/", views.enterprise_register, name="enterprise_register"),
    # The second factor (identity/views_otp.py): every path under otp/ stays reachable before it is done.
    path("otp/setup/", views_otp.otp_setup, name="otp_setup"),
    path("otp/verify/", views_otp.otp_verify, name="otp_verify"),
    path("otp/recovery-codes/", views_otp.otp_recovery_codes, name="otp_recovery_codes"),
]

workbench_urlpatterns = [
    path("", views.workbench_home, name="workbench"),
    path("organisation/", views.organisation_tree, name="organisation_tree"),
    path("organisation/<int:pk>/staff/", views.organisation_staff, name="organisation_staff"),
    path("counter/verify/", views_counter.counter_verify, name="counter_verify"),
]
