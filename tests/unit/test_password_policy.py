"""The password policy: every rule explains itself, and a good password passes."""
import pytest

from app.services.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

EMAIL = "maria.lopez@example.com"
NAME = "Maria"


@pytest.fixture
def _clean_state():
    """Pure functions: no app, database or Redis to empty after each test."""
    yield


def test_a_good_password_has_no_problems():
    assert password_problems("copper-kettle-19", email=EMAIL, name=NAME) == []


def test_a_short_password_is_told_the_minimum_and_its_length():
    assert f"Use at least {MIN_LENGTH} characters (you have 5)." in password_problems("ab-1c")


def test_a_password_at_the_minimum_length_is_long_enough():
    password = "kettle-1" + "x" * (MIN_LENGTH - 8)
    assert len(password) == MIN_LENGTH
    assert password_problems(password) == []


def test_an_overlong_password_is_told_the_maximum():
    problems = password_problems("ab1-" * (MAX_LENGTH // 4 + 1))
    assert f"Use at most {MAX_LENGTH} characters." in problems


def test_a_password_without_letters_asks_for_a_letter():
    assert "Include at least one letter." in password_problems("2718-2818-28")


def test_a_password_of_letters_only_asks_for_a_number_or_symbol():
    assert "Include at least one number or symbol." in password_problems("copperkettle")


@pytest.mark.parametrize("password", ["copperkettle7", "copper kettle", "copper-kettle"])
def test_a_number_or_a_symbol_satisfies_the_mix_rule(password):
    assert "Include at least one number or symbol." not in password_problems(password)


def test_a_password_of_few_different_characters_is_refused():
    assert "Use more than a few different characters." in password_problems("ab1ab1ab1ab1")


@pytest.mark.parametrize("password", ["password123", "Qwerty12345", "MARKETPLACE"])
def test_a_common_password_is_refused_whatever_its_case(password):
    assert ("That password is too common; choose something less guessable."
            in password_problems(password))


def test_a_password_containing_the_email_name_is_refused():
    problems = password_problems("Maria.Lopez-77", email=EMAIL)
    assert "Do not include your email address in your password." in problems


def test_a_short_email_name_is_not_held_against_the_password():
    problems = password_problems("joecopper-19", email="joe@example.com")
    assert "Do not include your email address in your password." not in problems


def test_a_password_containing_the_persons_name_is_refused():
    problems = password_problems("iammaria-2024", email="m@example.com", name=NAME)
    assert "Do not include your name in your password." in problems


def test_every_problem_is_reported_at_once():
    problems = password_problems("aaaa")
    assert problems == [
        f"Use at least {MIN_LENGTH} characters (you have 4).",
        "Include at least one number or symbol.",
        "Use more than a few different characters.",
    ]


def test_an_empty_password_is_told_what_is_missing():
    problems = password_problems("")
    assert f"Use at least {MIN_LENGTH} characters (you have 0)." in problems
    assert "Include at least one letter." in problems
