def test_home_page_shows_the_signed_in_member(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert "Northshire Police" in response.content.decode()
