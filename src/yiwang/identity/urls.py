from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("enterprises/register/", views.enterprise_register, name="enterprise_register"),
]

workbench_urlpatterns = [
    path("", views.workbench_home, name="workbench"),
    path("organisation/", views.organisation_tree, name="organisation_tree"),
    path("organisation/<int:pk>/staff/", views.organisation_staff, name="organisation_staff"),
]
