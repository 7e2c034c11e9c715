"""The search box's query language: what each operator means, how odd input is read as
words instead of failing, and that no text at all makes the parser raise."""

import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.fulltext.terms import Term, searchable, words_of
from journal.search import query as query_module
from journal.search.query import ParsedQuery, parse_query


def texts_of(parsed: ParsedQuery) -> list[list[str]]:
    return [[term.text for term in group] for group in parsed.groups]


def all_terms(parsed: ParsedQuery) -> list[Term]:
    return [term for group in parsed.groups for term in group] + list(parsed.excluded)


# --- normal form ------------------------------------------------------------------------

def test_searchable_folds_case_width_and_diacritics():
    assert searchable("Café") == "cafe"
    assert searchable("Café Déjà") == "cafe deja"
    assert searchable("STRASSE Straße") == "strasse strasse"
    assert searchable("ｆｕｌｌｗｉｄｔｈ ﬁ") == "fullwidth fi"
    assert searchable("e\u0301") == "e"  # a combining accent typed separately


def test_words_split_on_anything_but_letters_and_digits():
    assert words_of("docker-compose") == ["docker", "compose"]
    assert words_of("don't") == ["don", "t"]
    assert words_of("snake_case v2") == ["snake", "case", "v2"]
    assert words_of("Ñandú, ¿qué?") == ["nandu", "que"]
    assert words_of("*") == words_of("^") == words_of("()") == words_of("--") == []


# --- each operator ----------------------------------------------------------------------

def test_plain_words_must_all_match():
    parsed = parse_query("launch  retro\tfear")
    assert texts_of(parsed) == [["launch"], ["retro"], ["fear"]]
    assert parsed.has_text and not parsed.is_empty and parsed.notes == ()


def test_a_quoted_phrase_is_one_term():
    parsed = parse_query('before "felt  like a\nfraud" after')
    assert parsed.groups[1] == (Term("felt like a fraud", phrase=True),)
    assert texts_of(parsed) == [["before"], ["felt like a fraud"], ["after"]]


def test_curly_quotes_from_a_phone_are_quotes_too():
    assert parse_query("\u201cdéjà vu\u201d").groups == ((Term("déjà vu", phrase=True),),)


def test_or_joins_its_neighbours_into_one_group():
    assert texts_of(parse_query("a OR b c")) == [["a", "b"], ["c"]]
    assert texts_of(parse_query("a OR b OR c")) == [["a", "b", "c"]]
    assert texts_of(parse_query('"big launch" OR release')) == [["big launch", "release"]]


def test_lowercase_or_is_a_word_and_and_is_implicit():
    assert texts_of(parse_query("this or that")) == [["this"], ["or"], ["that"]]
    assert texts_of(parse_query("this AND that")) == [["this"], ["that"]]
    assert texts_of(parse_query('"OR"')) == [["OR"]]


@pytest.mark.parametrize("text", ["OR a", "a OR", "a OR OR b", "OR", "a OR -b"])
def test_a_stray_or_is_ignored_with_a_note(text):
    parsed = parse_query(text)
    assert "OR" not in [term.text for term in all_terms(parsed)]
    assert parsed.notes == ("OR needs a word on each side, so it was ignored.",)


def test_a_doubled_or_still_joins():
    assert texts_of(parse_query("a OR OR b")) == [["a", "b"]]


def test_minus_excludes_words_and_phrases():
    parsed = parse_query('launch -fear -"imposter syndrome" - ')
    assert texts_of(parsed) == [["launch"]]
    assert parsed.excluded == (Term("fear"), Term("imposter syndrome", phrase=True))


def test_a_negation_only_query_is_allowed():
    parsed = parse_query("-work")
    assert parsed.groups == () and parsed.excluded == (Term("work"),)
    assert not parsed.has_text and not parsed.is_empty


def test_a_trailing_star_makes_a_prefix():
    parsed = parse_query("deploy* -draft*")
    assert parsed.groups == ((Term("deploy", prefix=True),),)
    assert parsed.excluded == (Term("draft", prefix=True),)
    assert parse_query("deploy**").groups == ((Term("deploy", prefix=True),),)


def test_a_star_on_several_words_is_ignored_with_a_note():
    parsed = parse_query("don't*")
    assert parsed.groups == ((Term("don't"),),)
    assert parsed.notes == ("The * in don't* works on a single word only, so it was ignored.",)


def test_a_star_after_one_letter_searches_the_whole_word_with_a_note():
    parsed = parse_query("b* -x* de*")
    assert parsed.groups == ((Term("b"),), (Term("de", prefix=True),))
    assert parsed.excluded == (Term("x"),)
    assert parsed.notes == (
        "The * in b* needs 2 letters or more before it, so b was searched as a whole word.",
        "The * in x* needs 2 letters or more before it, so x was searched as a whole word.")


def test_tags_are_canonical():
    parsed = parse_query("tag:Work/Launch TAG:#health tag:work/launch notes")
    assert parsed.tags == ("work/launch", "health")
    assert texts_of(parsed) == [["notes"]]


def test_an_invalid_tag_is_searched_as_words():
    parsed = parse_query("tag:a,b")
    assert parsed.tags == () and texts_of(parsed) == [["tag:a,b"]]
    assert parsed.notes[0].startswith("tag:a,b is not a tag name (it contains “,”")
    assert parsed.notes[0].endswith("so it was searched as words.")


def test_an_empty_filter_is_ignored_with_a_note():
    parsed = parse_query("tag: is:")
    assert parsed.is_empty and len(parsed.notes) == 2


def test_filters_cannot_be_negated():
    parsed = parse_query("-tag:work -is:win")
    assert parsed.is_empty
    assert parsed.notes == ("-tag:work was ignored: only words can be left out.",
                            "-is:win was ignored: only words can be left out.")


@pytest.mark.parametrize(("text", "before", "after"), [
    ("before:2026-01-01", date(2026, 1, 1), None),
    ("after:2025-12-31", None, date(2025, 12, 31)),
    ("before:2026-03", date(2026, 3, 1), None),
    ("after:2026-02", None, date(2026, 2, 28)),
    ("after:2024-02", None, date(2024, 2, 29)),
    ("before:2026", date(2026, 1, 1), None),
    ("after:2025", None, date(2025, 12, 31)),
    ("BEFORE:2026-3-5", date(2026, 3, 5), None),
    ("before:2026-05-01 before:2026-03-01 after:2025-01-01 after:2025-06-01",
     date(2026, 3, 1), date(2025, 6, 1)),
])
def test_date_bounds(text, before, after):
    parsed = parse_query(text)
    assert (parsed.before, parsed.after) == (before, after)
    assert parsed.groups == () and parsed.notes == () and not parsed.is_empty


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "0000", "26-01-01", "today",
                                   "2026-01-01,", "٢٠٢٦"])
def test_a_date_that_is_not_one_is_searched_as_words(value):
    parsed = parse_query(f"before:{value}")
    assert parsed.before is None
    assert texts_of(parsed) == [[f"before:{value}"]]
    assert parsed.notes == (f"before:{value} is not a date, so it was searched as words.",)


def test_dates_that_leave_no_day_between_them_say_so():
    parsed = parse_query("after:2026-03-01 before:2026-03-02")
    assert (parsed.after, parsed.before) == (date(2026, 3, 1), date(2026, 3, 2))
    assert parsed.notes == ("No day is both after 2026-03-01 and before 2026-03-02, "
                            "so nothing can match.",)
    assert parse_query("after:2026-03-01 before:2026-03-03").notes == ()


def test_is_flags():
    parsed = parse_query("is:win is:Starred IS:reframe")
    assert (parsed.is_win, parsed.is_starred, parsed.is_reframe) == (True, True, True)
    assert not parsed.has_text and not parsed.is_empty
    assert parse_query("is:wins").is_win and parse_query("is:star").is_starred
    assert parse_query("is:reframes").is_reframe


def test_an_unknown_is_value_is_searched_as_words():
    parsed = parse_query("is:happy")
    assert not (parsed.is_win or parsed.is_starred or parsed.is_reframe)
    assert texts_of(parsed) == [["is:happy"]] and len(parsed.notes) == 1


def test_other_colons_are_just_words():
    parsed = parse_query("10:30 http://example.com mood:ok")
    assert texts_of(parsed) == [["10:30"], ["http://example.com"], ["mood:ok"]]
    assert parsed.notes == ()


def test_an_empty_query_is_empty():
    for text in ["", "   ", "* ^ () -- '"]:
        parsed = parse_query(text)
        assert parsed.is_empty and not parsed.has_text and parsed.notes == ()


# --- odd input from the issue -----------------------------------------------------------

def test_an_unclosed_quote_takes_the_rest_as_a_phrase():
    parsed = parse_query('launch "went badly -fear OR')
    assert parsed.groups == ((Term("launch"),), (Term("went badly -fear OR", phrase=True),))
    assert parsed.excluded == ()
    assert parsed.notes == ("A quote was not closed, so everything after it was "
                            "searched as a phrase.",)
    assert parse_query('launch "').groups == ((Term("launch"),),)


def test_apostrophes_and_hyphens_stay_one_term():
    assert parse_query("don't docker-compose").groups == ((Term("don't"),),
                                                         (Term("docker-compose"),))


def test_search_engine_syntax_is_read_as_words():
    assert texts_of(parse_query("NEAR(")) == [["NEAR("]]
    assert parse_query("*").is_empty and parse_query("^").is_empty
    parsed = parse_query("' OR 1=1 --")
    assert texts_of(parsed) == [["1=1"]] and parsed.excluded == ()
    assert parsed.notes == ("OR needs a word on each side, so it was ignored.",)


def test_control_characters_are_spaces_and_marks_are_kept():
    parsed = parse_query("abc\x00def \x7fghi \u200fשלום\u200f 🙂 e\u0301 \ud800")
    assert texts_of(parsed) == [["abc"], ["def"], ["ghi"], ["\u200fשלום\u200f"], ["e\u0301"]]


def test_long_input_is_cut_with_a_note():
    parsed = parse_query("word " * 2000)
    assert parsed.groups == ((Term("word"),),)
    assert parsed.notes == ("Only the first 1,000 characters were searched.",)
    assert parse_query("abc", max_length=2).groups == ((Term("ab"),),)


@pytest.mark.parametrize("text", ["w " * 5000, "ab" * 5000, '"' + "x " * 4999, "a OR " * 2000,
                                  "-" * 10_000, "tag:" * 2500])
def test_the_parsers_work_grows_linearly_with_the_query(text):
    """Counted in lines of the parser executed, not in seconds: ten times the text may
    cost at most about ten times the work (no backtracking blow-up), on any machine."""
    tenth = text[:len(text) // 10]
    assert _parser_lines(text) <= 12 * _parser_lines(tenth) + 1_000


def _parser_lines(text: str) -> int:
    executed = 0
    parser_file = query_module.__file__

    def trace(frame, event, arg):
        nonlocal executed
        if frame.f_code.co_filename != parser_file:
            return None
        if event == "line":
            executed += 1
        return trace

    sys.settrace(trace)
    try:
        parse_query(text, max_length=10_000)
    finally:
        sys.settrace(None)
    return executed


# --- properties -------------------------------------------------------------------------

@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
       | st.lists(st.sampled_from(['"', "-", "*", "OR", "AND", "tag:", "is:", "before:",
                                   "after:", "2026-01", " ", "x", "é", "\x00", ":", "#"]))
       .map("".join))
def test_any_text_parses_into_terms_with_words(text):
    parsed = parse_query(text)
    assert parse_query(text) == parsed
    for term in all_terms(parsed):
        assert words_of(term.text)
    assert all(parsed.groups)
    assert parsed.has_text == bool(parsed.groups)


@given(st.text(), st.integers(min_value=0, max_value=50))
def test_the_limit_is_the_same_as_cutting_first(text, limit):
    cut, whole = parse_query(text, max_length=limit), parse_query(text[:limit])
    assert (cut.groups, cut.excluded, cut.tags) == (whole.groups, whole.excluded, whole.tags)


PLAIN_WORD = st.text(st.characters(categories=["Ll", "Lu", "Lo"]), min_size=1, max_size=12)


@given(st.lists(PLAIN_WORD.filter(lambda word: word not in ("OR", "AND")), min_size=1))
def test_plain_words_give_one_group_each(words):
    parsed = parse_query(" ".join(words), max_length=100_000)
    assert parsed.groups == tuple((Term(word),) for word in dict.fromkeys(words))
    assert parsed.excluded == () and parsed.notes == ()


@given(st.text())
def test_searchable_is_idempotent_on_words(text):
    assert words_of(searchable(text)) == words_of(text)
