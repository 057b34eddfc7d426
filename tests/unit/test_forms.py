"""The webhook's form reader reads exactly what parse_qsl reads."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worker.web.forms import parse_form

RAW = st.text(alphabet=st.sampled_from("ab=&%+2F3D4-_.~ é\x00"), max_size=40)
FIELDS = st.lists(st.tuples(st.text(max_size=10), st.text(max_size=30)), max_size=12)


@given(RAW)
def test_any_body_reads_as_parse_qsl_reads_it(body: str) -> None:
    try:
        expected = parse_qsl(body, keep_blank_values=True, max_num_fields=20)
    except ValueError:
        with pytest.raises(ValueError, match="more than 20 fields"):
            parse_form(body, max_fields=20)
        return
    assert parse_form(body, max_fields=20) == expected


@given(FIELDS)
def test_encoded_forms_come_back_whole(fields: list[tuple[str, str]]) -> None:
    assert parse_form(urlencode(fields), max_fields=100) == fields


def test_too_many_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="more than 10 fields"):
        parse_form("&".join(f"f{i}=1" for i in range(11)), max_fields=10)
