"""The navigation menus: each person sees the links their roles allow, on every page of the layout."""

from __future__ import annotations

import pytest

from yiwang.conftest import english_client, staff_login
from yiwang.core.menus import MenuItem, menu_links, register_menu_item
from yiwang.identity.models import Role


def nav_of(html: str) -> str:
    start = html.index("<nav")
    return html[start:html.index("</nav>", start)]


def test_a_visitor_sees_the_catalogue_but_not_the_personal_links(db):
    nav = nav_of(english_client().get("/").content.decode())
    assert 'href="/matters/"' in nav
    assert "/me/cases/" not in nav and "/me/inbox/" not in nav


def test_a_citizen_sees_their_cases_and_messages_with_the_unread_count(citizen):
    from yiwang.notifications.public import notification_send

    client = english_client()
    client.force_login(citizen)
    nav = nav_of(client.get("/").content.decode())
    assert 'href="/me/cases/"' in nav and 'href="/me/inbox/"' in nav
    assert 'class="badge"' not in nav

    notification_send(recipient=citizen, subject="Your case was accepted", body="…", url="/me/cases/")
    nav = nav_of(client.get("/me/inbox/").content.decode())
    assert '<span class="badge">1' in nav
    # The page you are on is marked for screen readers.
    assert 'href="/me/inbox/" aria-current="page"' in nav


@pytest.mark.parametrize(("roles", "shown", "hidden"), [
    ((Role.HANDLER,), ["/workbench/workflow/", "/workbench/exchange/services/", "/workbench/registries/"],
     ["/workbench/catalog/", "/workbench/intake/counter/", "/workbench/intake/hotline/"]),
    ((Role.WINDOW_CLERK,), ["/workbench/intake/counter/", "/workbench/intake/taken-in/"],
     ["/workbench/intake/hotline/", "/workbench/catalog/"]),
    ((Role.HOTLINE_AGENT,), ["/workbench/intake/hotline/"], ["/workbench/intake/counter/"]),
    ((Role.PLATFORM_ADMIN,), ["/workbench/catalog/"], ["/workbench/intake/counter/"]),
])
def test_the_workbench_menu_follows_the_roles(make_staff, tax, roles, shown, hidden):
    client = staff_login(english_client(), make_staff(tax, *roles))
    nav = nav_of(client.get("/workbench/").content.decode())
    for url in shown:
        assert f'href="{url}"' in nav, url
    for url in hidden:
        assert f'href="{url}"' not in nav, url


def test_every_link_shown_opens_for_the_person_it_is_shown_to(make_staff, tax):
    user = make_staff(tax, Role.HANDLER, Role.WINDOW_CLERK, Role.HOTLINE_AGENT, Role.PLATFORM_ADMIN)
    client = staff_login(english_client(), user)
    for link in menu_links("workbench", user=user) + menu_links("portal", user=user):
        assert client.get(link.url).status_code == 200, link.url


def test_the_worklist_badge_counts_open_tasks_of_the_department(make_staff, tax):
    from yiwang.workflow.selectors import open_task_count

    handler = make_staff(tax, Role.HANDLER)
    assert open_task_count(user=handler) == 0
    assert not [link for link in menu_links("workbench", user=handler) if link.key == "worklist"][0].badge


def test_an_unknown_menu_is_refused():
    with pytest.raises(ValueError, match="unknown menu"):
        register_menu_item("sidebar", MenuItem(key="x", label="x", url_name="portal:home"))


def test_my_services_page_shows_the_latest_messages_and_links_to_cases_and_inbox(citizen):
    from yiwang.notifications.public import notification_send

    client = english_client()
    client.force_login(citizen)
    page = client.get("/me/").content.decode()
    assert "You have no cases yet." in page and 'href="/matters/"' in page
    assert "No messages." in page

    notification_send(recipient=citizen, subject="Supplement needed for PD0001", body="…", url="/me/cases/PD0001/")
    page = client.get("/me/").content.decode()
    assert '<a href="/me/cases/PD0001/">Supplement needed for PD0001</a>' in page
    assert 'href="/me/cases/"' in page and 'href="/me/inbox/"' in page


def test_my_services_page_lists_no_one_elses_messages(citizen, make_staff, tax):
    from yiwang.notifications.public import notification_send

    other = make_staff(tax, Role.HANDLER)
    notification_send(recipient=other, subject="Task waiting in your worklist", body="…")
    client = english_client()
    client.force_login(citizen)
    assert "Task waiting in your worklist" not in client.get("/me/").content.decode()
