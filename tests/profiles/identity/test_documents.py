"""Each document type's rules: the resident ID (python-stdnum's cn.ric), passports, the Hong
Kong / Macau and Taiwan permits, and their dates of birth and nationalities."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from profiles.identity.documents import document_check, document_hash, normalise
from profiles.models import DocumentType
from tests.factories import resident_id

RID = DocumentType.RESIDENT_ID
PASSPORT = DocumentType.PASSPORT
HKMO = DocumentType.HK_MACAU_PERMIT
TW = DocumentType.TAIWAN_PERMIT

# GB 11643-1999's own example (Beijing, Chaoyang; born 1949-12-31; check character X) and
# python-stdnum's documented one.
STANDARD_EXAMPLE = "11010519491231002X"
STDNUM_EXAMPLE = "360426199101010071"


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def refused(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        document_check(**kwargs)
    return codes(caught.value)


def test_the_standards_example_with_an_x_check_character_is_valid_and_gives_its_birth_date():
    doc = document_check(document_type=RID, number=STANDARD_EXAMPLE)
    assert doc.number == STANDARD_EXAMPLE
    assert doc.date_of_birth == dt.date(1949, 12, 31)
    assert doc.nationality == "CN"
    assert doc.last4 == "002X"


def test_a_lower_case_x_spaces_and_dashes_are_the_same_number():
    doc = document_check(document_type=RID, number=" 110105 19491231-002x ")
    assert doc.number == STANDARD_EXAMPLE
    assert document_hash(RID, "110105 19491231 002x") == document_hash(RID, STANDARD_EXAMPLE)


def test_full_width_digits_from_a_chinese_keyboard_are_read_as_digits():
    assert normalise("３６０４２６１９９１０１０１００７１") == STDNUM_EXAMPLE


def test_stdnums_example_is_valid():
    assert document_check(document_type=RID, number=STDNUM_EXAMPLE).date_of_birth == dt.date(
        1991, 1, 1
    )


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "number_required"),
        ("11010519491231002", "number_too_short"),
        ("110105194912310", "number_too_short"),  # an old 15-digit card
        ("11010519491231002X1", "number_too_long"),
        ("1101051949123100XX", "number_bad_characters"),
        ("11010519491231002Y", "number_bad_characters"),
        ("A1010519491231002X", "number_bad_characters"),
        ("110105194912310021", "number_bad_check_character"),  # X expected
        ("360426199101010072", "number_bad_check_character"),
    ],
)
def test_every_malformed_resident_id_has_its_own_code(number, code):
    assert refused(document_type=RID, number=number) == {"document_number": [code]}


def test_a_resident_id_whose_date_of_birth_is_not_a_date_is_refused():
    number = resident_id(dt.date(1990, 1, 1), 5)
    body = number[:10] + "0230" + number[14:17]  # 30 February
    from stdnum.cn import ric

    bad = body + ric.calc_check_digit(body + "0")
    assert refused(document_type=RID, number=bad) == {"document_number": ["number_bad_birth_date"]}


def test_a_resident_id_born_in_the_future_is_refused():
    number = resident_id(dt.date(2999, 1, 1), 5)
    assert refused(document_type=RID, number=number) == {
        "document_number": ["number_bad_birth_date"]
    }


def test_a_resident_id_of_an_unknown_region_is_refused():
    number = resident_id(dt.date(1990, 1, 1), 5, region="999999")
    assert refused(document_type=RID, number=number) == {"document_number": ["number_bad_region"]}


def test_a_residence_permit_number_is_not_a_mainland_resident_id():
    number = resident_id(dt.date(1990, 1, 1), 5, region="830000")
    assert refused(document_type=RID, number=number) == {"document_number": ["number_bad_region"]}


def test_a_date_of_birth_given_with_a_resident_id_must_be_the_one_in_it():
    assert refused(
        document_type=RID, number=STANDARD_EXAMPLE, date_of_birth=dt.date(1950, 1, 1)
    ) == {"date_of_birth": ["birth_date_mismatch"]}
    same = document_check(
        document_type=RID, number=STANDARD_EXAMPLE, date_of_birth=dt.date(1949, 12, 31)
    )
    assert same.date_of_birth == dt.date(1949, 12, 31)


def test_a_resident_id_is_chinese_nationality_only():
    assert refused(document_type=RID, number=STANDARD_EXAMPLE, nationality="US") == {
        "nationality": ["nationality_mismatch"]
    }
    assert document_check(document_type=RID, number=STANDARD_EXAMPLE, nationality="cn")


BORN = dt.date(1985, 6, 1)


def test_a_passport_takes_its_date_of_birth_and_nationality_as_entered():
    doc = document_check(
        document_type=PASSPORT, number="e1234 5678", nationality="gb", date_of_birth=BORN
    )
    assert (doc.number, doc.nationality, doc.date_of_birth) == ("E12345678", "GB", BORN)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("E123", "number_too_short"),
        ("E" * 21, "number_too_long"),
        ("E1234_567", "number_bad_characters"),
        ("E1234567\u00e9", "number_bad_characters"),
        ("<script>", "number_bad_characters"),
    ],
)
def test_every_malformed_passport_number_has_its_own_code(number, code):
    assert refused(document_type=PASSPORT, number=number, nationality="GB", date_of_birth=BORN) == {
        "document_number": [code]
    }


def test_a_passport_needs_a_known_nationality_and_a_plausible_date_of_birth():
    assert refused(document_type=PASSPORT, number="E12345678", date_of_birth=BORN) == {
        "nationality": ["nationality_required"]
    }
    assert refused(
        document_type=PASSPORT, number="E12345678", nationality="XX", date_of_birth=BORN
    ) == {"nationality": ["nationality_unknown"]}
    assert refused(document_type=PASSPORT, number="E12345678", nationality="GB") == {
        "date_of_birth": ["birth_date_required"]
    }
    assert refused(
        document_type=PASSPORT,
        number="E12345678",
        nationality="GB",
        date_of_birth=dt.date(1850, 1, 1),
    ) == {"date_of_birth": ["birth_date_implausible"]}


@pytest.mark.parametrize(
    ("number", "nationality"),
    [("H12345678", "HK"), ("M1234567890", "MO"), ("h 1234 5678", "HK")],
)
def test_hong_kong_and_macau_permits_set_their_nationality(number, nationality):
    doc = document_check(document_type=HKMO, number=number, date_of_birth=BORN)
    assert doc.nationality == nationality


def test_hong_kong_and_macau_residence_permits_are_resident_id_format():
    number = resident_id(dt.date(1980, 2, 3), 7, region="810000")
    doc = document_check(document_type=HKMO, number=number)
    assert (doc.nationality, doc.date_of_birth) == ("HK", dt.date(1980, 2, 3))


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("H1234567", "number_too_short"),
        ("H123456789012", "number_too_long"),
        ("K12345678", "number_bad_characters"),
        ("H123456789", "number_bad_characters"),  # 9 digits: neither form
        ("H1234567_", "number_bad_characters"),
    ],
)
def test_every_malformed_hong_kong_macau_permit_has_its_own_code(number, code):
    assert refused(document_type=HKMO, number=number, date_of_birth=BORN) == {
        "document_number": [code]
    }


def test_a_permit_states_its_own_nationality():
    assert refused(
        document_type=HKMO, number="H12345678", date_of_birth=BORN, nationality="MO"
    ) == {"nationality": ["nationality_mismatch"]}


def test_taiwan_permits_are_eight_digits_or_the_830000_residence_permit():
    assert document_check(document_type=TW, number="12345678", date_of_birth=BORN).nationality == (
        "TW"
    )
    permit = resident_id(dt.date(1979, 9, 9), 11, region="830000")
    doc = document_check(document_type=TW, number=permit)
    assert (doc.nationality, doc.date_of_birth) == ("TW", dt.date(1979, 9, 9))


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1234567", "number_too_short"),
        ("123456789", "number_too_long"),
        ("1234567A", "number_bad_characters"),
        (resident_id(dt.date(1979, 9, 9), 11, region="110101"), "number_bad_region"),
        ("830000197909090110", "number_bad_check_character"),  # 3 expected
        ("830000197913090116", "number_bad_birth_date"),  # month 13
    ],
)
def test_every_malformed_taiwan_permit_has_its_own_code(number, code):
    assert refused(document_type=TW, number=number, date_of_birth=BORN) == {
        "document_number": [code]
    }


def test_an_unknown_document_type_is_refused():
    assert refused(document_type="driving_licence", number="123") == {
        "document_type": ["document_type_unknown"]
    }
