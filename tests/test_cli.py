import sqlalchemy as sa

from lms.auth.roles import Role
from lms.extensions import db
from lms.users.models import User, UserRole


def test_setup_creates_the_first_administrator_once(runner):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "temporary password:" in result.output
    admin = db.session.scalar(sa.select(User).join(UserRole).where(UserRole.role == Role.ADMIN))
    assert admin.must_change_password
    again = runner.invoke(args=["setup"])
    assert "an administrator exists" in again.output


def test_setup_with_demo_loads_one_account_per_role(runner, client):
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    for username in ("admin", "instructor", "officer", "assessor", "trainee"):
        assert f"demo-{username}-2026" in result.output
    for username, password in (("admin", "demo-admin-2026"), ("trainee", "demo-trainee-2026")):
        response = client.post("/login", data={"login": username, "password": password})
        assert response.status_code == 302
        client.post("/logout")
    again = runner.invoke(args=["setup", "--demo"])
    assert again.exit_code == 0 and "Demo data loaded" not in again.output


def test_users_create_command(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ly.vanna",
            "--family-km",
            "លី",
            "--given-km",
            "វណ្ណា",
            "--family-en",
            "LY",
            "--given-en",
            "Vanna",
            "--sex",
            "female",
            "--role",
            "instructor",
            "--password",
            "Long-enough-secret-1",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "ly.vanna"))
    assert user.roles == {Role.INSTRUCTOR}


def test_users_create_refuses_a_common_password(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ly.vanna",
            "--family-km",
            "លី",
            "--given-km",
            "វណ្ណា",
            "--family-en",
            "LY",
            "--given-en",
            "Vanna",
            "--sex",
            "female",
            "--password",
            "password1",
        ]
    )
    assert result.exit_code == 1
    assert "password" in result.output


def test_import_command_names_file_line_and_field(runner, tmp_path):
    path = tmp_path / "facilities.csv"
    path.write_text(
        "code,name_km,name_en,type,province_code\n"
        "HC-1,មណ្ឌលសុខភាព,One,health_centre,21\n"
        "HC-2,មណ្ឌលសុខភាព,Two,castle,21\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["facilities", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}: line 3, field 'type'" in result.output
    path.write_text(
        "code,name_km,name_en,type,province_code\nHC-1,មណ្ឌលសុខភាព,One,health_centre,21\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["facilities", "import", str(path)])
    assert result.exit_code == 0 and "1 created" in result.output
