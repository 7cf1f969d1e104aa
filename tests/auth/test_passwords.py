import pytest

from lms.auth import passwords
from lms.errors import DomainError


@pytest.mark.parametrize("bad", ["short7", "x" * 129, "password123", "qwertyuiop", "iloveyou"])
def test_policy_refuses(app, bad):
    with pytest.raises(DomainError):
        passwords.check_policy(bad)


def test_policy_refuses_the_login_name(app):
    with pytest.raises(DomainError):
        passwords.check_policy("sok.dara.kh", "sok.dara.kh")


@pytest.mark.parametrize("good", ["Rice-field-at-dawn", "ខ្ញុំចូលចិត្តបាយ", "x" * 128])
def test_policy_accepts(app, good):
    passwords.check_policy(good, "someone")


def test_hash_uses_the_configured_scrypt_cost(app):
    hashed = passwords.hash_password("Rice-field-at-dawn")
    assert hashed.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert passwords.verify_password(hashed, "Rice-field-at-dawn")
    assert not passwords.verify_password(hashed, "rice-field-at-dawn")
    assert not passwords.verify_password(None, "anything")


def test_temporary_passwords_are_random_and_readable(app):
    made = {passwords.temporary_password() for _ in range(50)}
    assert len(made) == 50
    for word in made:
        assert len(word) == 14 and word.count("-") == 2
        assert not set(word) & set("01ilo")
