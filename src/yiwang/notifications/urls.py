"""Pages of notifications: the site inbox under /me/."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("me/inbox/", views.inbox, name="inbox"),
    path("me/inbox/read/", views.mark_read, name="mark_read"),
]
