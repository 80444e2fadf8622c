import pytest

from tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_member_logs_in_and_out_in_chromium(live_server, page, staff_member):
    page.goto(f"{live_server.url}/akun/masuk/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_label("Email").fill(staff_member.user.email)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/akun/")
    assert "Staf KPU" in page.content()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Masuk").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_explained_in_indonesian(live_server, page, staff_member):
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Email").fill(staff_member.user.email)
    page.get_by_label("Sandi").fill("keliru")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").first.is_visible()
    assert "email" in page.get_by_role("alert").first.inner_text().lower()
