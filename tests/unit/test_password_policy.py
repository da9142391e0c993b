"""The password policy: every rule explains itself, and a good password passes."""
import pytest

from app.services.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

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


def leans_on(problems, what):
    return [p for p in problems if p.startswith(f"Your password leans on your {what}")]


def test_a_password_built_on_the_email_name_is_refused_and_told_what_matched():
    problems = password_problems("Maria.Lopez-77", email=EMAIL)
    assert leans_on(problems, "email address") == [
        f"Your password leans on your email address: besides “maria.lopez” it needs at least "
        f"{MIN_LENGTH} characters of its own (it has 3)."]


@pytest.mark.parametrize("email", [EMAIL, "joe@example.com"], ids=["long-name", "short-name"])
def test_a_password_built_on_the_whole_address_is_refused(email):
    problems = password_problems(f"{email.upper()}!", email=email)
    assert leans_on(problems, "email address") == [
        f"Your password leans on your email address: besides “{email}” it needs at least "
        f"{MIN_LENGTH} characters of its own (it has 1)."]


def test_a_long_password_containing_the_email_name_as_one_word_is_accepted():
    assert password_problems("admin-copper-kettle-19", email="admin@bazaar.example") == []


def test_a_long_password_sharing_a_word_with_the_email_domain_is_accepted():
    # The local part here is also the domain's first word: neither makes the password weak.
    assert password_problems("Market-hall-copper-kettle-19", email="market@market-hall.co.uk") == []


def test_a_short_email_name_is_not_held_against_the_password():
    problems = password_problems("joecopper-19", email="joe@example.com")
    assert leans_on(problems, "email address") == []


def test_a_password_built_on_the_persons_name_is_refused():
    problems = password_problems("iammaria-2024", email="m@example.com", name=NAME)
    assert leans_on(problems, "name") == [
        f"Your password leans on your name: besides “maria” it needs at least {MIN_LENGTH} "
        "characters of its own (it has 8)."]


def test_a_long_password_containing_the_persons_name_is_accepted():
    assert password_problems("Administrator-copper-kettle", name="Administrator") == []


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
