"""Reference data for forms: the category tree, branches, departments and colleagues."""

from kesu.complaints.tests.api.helpers import error_of
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory, UserFactory


def test_categories_tree_in_path_order(world, api):
    rows = api().get("/api/v1/categories/").json()
    assert rows, "the world installs the default tree"
    paths = [row["path"] for row in rows]
    assert paths == sorted(paths)
    by_id = {row["id"]: row for row in rows}
    engine = next(row for row in rows if row["code"] == "vehicle.engine")
    assert by_id[engine["parent"]]["code"] == "vehicle"
    assert engine["label"] == engine["name_en"] == "Engine"
    chinese = api(language="zh-hans").get("/api/v1/categories/").json()
    assert next(r for r in chinese if r["code"] == "vehicle.engine")["label"] == "发动机"


def test_categories_of_another_organisation_are_not_listed(world, api):
    from kesu.complaints.defaults import install_defaults

    other = OrganisationFactory()
    install_defaults(other)
    ids = {row["id"] for row in api().get("/api/v1/categories/").json()}
    assert not ids & set(other.categories.values_list("id", flat=True))


def test_branches_and_departments(world, api):
    branches = api().get("/api/v1/branches/").json()
    assert {b["id"] for b in branches} == {world.branch.pk, world.other_branch.pk}
    departments = api().get("/api/v1/departments/", {"branch": world.branch.pk}).json()
    assert {d["id"] for d in departments} == {world.service.pk, world.sales.pk}
    assert all(d["branch"]["id"] == world.branch.pk for d in departments)
    response = api().get("/api/v1/departments/", {"branch": "east"})
    assert response.status_code == 400
    assert "branch" in error_of(response)["fields"]


def test_users_picker_is_scoped_to_branch_and_org_wide_roles(world, api):
    UserFactory(organisation=world.org, branch=world.branch, is_active=False, username="gone")
    rows = api().get("/api/v1/users/", {"page_size": 200}).json()["results"]
    usernames = {row["username"] for row in rows}
    # The branch's users plus organisation-wide ones (the world makes two of each).
    assert usernames == {u.username for u in world.users.values()} | {"group-west", "admin-west"}
    assert "gone" not in usernames
    assert not usernames & {u.username for u in world.other_users.values()}
    handler = next(row for row in rows if row["role"] == Role.HANDLER)
    assert handler["role_display"] == "Handling manager"
    assert handler["department"]["id"] == world.service.pk
    assert "phone" not in handler and "email" not in handler
    # The group sees everyone; filters narrow it.
    rows = api(Role.GROUP).get("/api/v1/users/", {"role": "handler"}).json()["results"]
    assert {row["username"] for row in rows} == {"handler-east", "handler-west"}
    rows = api().get("/api/v1/users/", {"q": "dir"}).json()["results"]
    assert [row["username"] for row in rows] == ["director-east"]


def test_me(world, api):
    body = api(Role.HANDLER).get("/api/v1/me/").json()
    assert body["username"] == "handler-east"
    assert body["role"] == "handler"
    assert body["branch"]["id"] == world.branch.pk
    assert body["department"]["id"] == world.service.pk
    assert body["organisation"]["id"] == world.org.pk
    assert body["sees_contact_data"] is False
    assert body["sees_whole_organisation"] is False
    assert body["language"] == "en"
    assert api(Role.GROUP, language="zh-hans").get("/api/v1/me/").json()["language"] == "zh-hans"
