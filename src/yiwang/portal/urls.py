from django.urls import path

from . import views, views_account

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("me/account/", views_account.account, name="account"),
]
