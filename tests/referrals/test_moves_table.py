"""The moves of a referral are one table (referrals/moves.py, ADR 0009): the page's
forms, the API's bodies and the services are looked up by a move's name, and must
cover exactly the table's moves, with the fields each move names."""

import inspect

from referrals.api.actions import ENDPOINTS
from referrals.moves import MOVES
from referrals.services.transitions import MOVE_SERVICES
from referrals.views.actions import DONE
from referrals.views.referral_page import ACTION_FORMS


def test_every_move_has_a_service_an_endpoint_and_a_banner():
    assert set(MOVE_SERVICES) == set(MOVES)
    assert set(ENDPOINTS) == set(MOVES)
    assert set(DONE) == set(MOVES)


def test_the_forms_and_the_bodies_take_the_fields_the_table_names():
    taking = {name for name, move in MOVES.items() if move.fields}
    assert set(ACTION_FORMS) == taking
    assert {name for name, endpoint in ENDPOINTS.items() if endpoint.body} == taking
    for name in taking:
        fields = set(MOVES[name].fields)
        assert set(ACTION_FORMS[name].base_fields) == fields, name
        assert set(ENDPOINTS[name].body().fields) == fields, name


def test_each_service_takes_the_fields_of_its_move():
    for name, service in MOVE_SERVICES.items():
        parameters = set(inspect.signature(service).parameters) - {"actor", "referral"}
        assert parameters == set(MOVES[name].fields), name
