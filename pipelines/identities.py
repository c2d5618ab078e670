"""Who is the same person across sources (two HMIS exports, or a spreadsheet list and an export).

Within one source a person is its own ID. Across sources two people are linked when two of three
agree exactly: a valid SSN, the first and last name (normalised), the date of birth. Near matches
(sound-alike names, one transposed digit in a date of birth or an SSN) go to a data lead to decide.

SSNs are never stored: only a salted hash of a valid one (made in SQL, pipelines/person_links.py).
A near match on the SSN is found while the upload's own SSNs are still in memory, by hashing their
one-swap variants.
"""

from __future__ import annotations

import polars as pl

# Sound classes of consonants; vowels, h, w and y carry no sound class and separate nothing here.
SOUND_CLASSES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
                 "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
NOT_SSNS = {"000000000", "123456789"}
# A valid SSN that several people of one source share is a placeholder, not an identity.
SHARED_SSN_LIMIT = 2


def name_key(column: str) -> pl.Expr:
    """Case, accents, spaces and punctuation removed: "José O'Brien" and "jose obrien" agree."""
    return pl.col(column).str.normalize("NFKD").str.replace_all(r"[^A-Za-z]", "").str.to_lowercase().replace("", None)


def sound_key(key: pl.Expr) -> pl.Expr:
    """The sound classes of a name's consonants, a run of one class written once, four at most; a
    first letter that is a vowel is kept as it is. "smith" and "smyth" agree, and so do "catherine"
    and "kathryn": the first letter is coded too, as c and k sound alike."""
    coded = key.str.replace_many(list(SOUND_CLASSES), list(SOUND_CLASSES.values()))
    first_vowel = key.str.slice(0, 1).str.contains("^[aeiouyhw]$")
    coded = pl.when(first_vowel).then(key.str.slice(0, 1) + coded.str.slice(1)).otherwise(coded)
    coded = pl.concat_str(coded.str.slice(0, 1), coded.str.slice(1).str.replace_all(r"[a-z]", ""))
    for digit in "123456":
        coded = coded.str.replace_all(f"{digit}+", digit)
    return coded.str.slice(0, 4)


def ssn_digits(column: str) -> pl.Expr:
    """The nine digits of a valid SSN, or null: blank, partial, 000000000, 123456789, one digit
    repeated, an area of 000, 666 or 9xx, a group of 00 or a serial of 0000 are not identities."""
    digits = pl.col(column).str.replace_all(r"[\s-]", "")
    valid = (
        digits.str.contains(r"^\d{9}$")
        & ~digits.is_in(list(NOT_SSNS))
        & ~digits.str.slice(0, 3).is_in(["000", "666"])
        & ~digits.str.starts_with("9")
        & (digits.str.slice(3, 2) != "00")
        & (digits.str.slice(5, 4) != "0000")
    )
    one_digit = pl.any_horizontal([digits == d * 9 for d in "0123456789"])
    return pl.when(valid & ~one_digit).then(digits)


def identity_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """person_id, first_key, last_key, first_sound, last_sound, birth_date and ssn (valid digits, for
    hashing; never stored), for rows that carry at least two of name, date of birth and SSN: with
    fewer, nobody could be linked on them. SSNs shared by more than SHARED_SSN_LIMIT people of the
    upload are dropped."""
    have = rows.columns
    keyed = rows.select(
        "person_id",
        (name_key("first_name") if "first_name" in have else pl.lit(None, pl.String)).alias("first_key"),
        (name_key("last_name") if "last_name" in have else pl.lit(None, pl.String)).alias("last_key"),
        (pl.col("birth_date") if "birth_date" in have else pl.lit(None, pl.Date)).alias("birth_date"),
        (ssn_digits("ssn") if "ssn" in have else pl.lit(None, pl.String)).alias("ssn"),
    ).unique()
    shared = keyed.drop_nulls("ssn").group_by("ssn").agg(pl.col("person_id").n_unique().alias("people"))
    placeholders = shared.filter(pl.col("people") > SHARED_SSN_LIMIT)["ssn"].implode()
    keyed = keyed.with_columns(pl.when(~pl.col("ssn").is_in(placeholders)).then(pl.col("ssn")).alias("ssn"))
    named = pl.col("first_key").is_not_null() & pl.col("last_key").is_not_null()
    known = (named.cast(pl.Int8) + pl.col("birth_date").is_not_null().cast(pl.Int8)
             + pl.col("ssn").is_not_null().cast(pl.Int8))
    return keyed.filter(known >= 2).select(
        "person_id", "first_key", "last_key",
        sound_key(pl.col("first_key")).alias("first_sound"), sound_key(pl.col("last_key")).alias("last_sound"),
        "birth_date", "ssn",
    )


def transpositions(text: str) -> list[str]:
    """Every string one swap of two neighbouring characters away (the swap changing something)."""
    return [text[:i] + text[i + 1] + text[i] + text[i + 2:] for i in range(len(text) - 1) if text[i] != text[i + 1]]


def one_transposition(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and b in transpositions(a)


def pair_decisions(pairs: pl.DataFrame) -> pl.DataFrame:
    """For candidate pairs (columns of both sides suffixed _a and _b, and near_ssn: their SSNs are one
    swap apart), the method and score of an exact link (two of three agree) or of a near match for
    review; other pairs are dropped.

    score: the number of the three that agree exactly, plus a half for each near agreement."""
    same_ssn = (pl.col("ssn_hash_a") == pl.col("ssn_hash_b")).fill_null(False)
    same_name = ((pl.col("first_key_a") == pl.col("first_key_b"))
                 & (pl.col("last_key_a") == pl.col("last_key_b"))).fill_null(False)
    same_birth = (pl.col("birth_date_a") == pl.col("birth_date_b")).fill_null(False)
    sounds_alike = ((pl.col("first_sound_a") == pl.col("first_sound_b"))
                    & (pl.col("last_sound_a") == pl.col("last_sound_b"))).fill_null(False) & ~same_name
    near_ssn = pl.col("near_ssn").fill_null(False)
    near_birth = pl.struct(
        pl.col("birth_date_a").dt.strftime("%Y%m%d").alias("a"), pl.col("birth_date_b").dt.strftime("%Y%m%d").alias("b")
    ).map_elements(lambda p: one_transposition(p["a"], p["b"]), return_dtype=pl.Boolean).fill_null(False)
    exact = same_ssn.cast(pl.Int8) + same_name.cast(pl.Int8) + same_birth.cast(pl.Int8)
    near = sounds_alike.cast(pl.Int8) + near_ssn.cast(pl.Int8) + near_birth.cast(pl.Int8)
    method = pl.concat_list(
        pl.when(same_ssn).then(pl.lit("SSN")), pl.when(same_name).then(pl.lit("name")),
        pl.when(same_birth).then(pl.lit("date of birth")),
        pl.when(sounds_alike).then(pl.lit("sound-alike name")), pl.when(near_ssn).then(pl.lit("SSN one swap away")),
        pl.when(near_birth).then(pl.lit("date of birth one swap away")),
    ).list.drop_nulls().list.join(" + ")
    decided = pairs.with_columns(
        (exact.cast(pl.Float64) + near.cast(pl.Float64) / 2).alias("score"), method.alias("method"),
        pl.when(exact >= 2).then(pl.lit("linked"))
        .when((exact >= 1) & (exact + near >= 2)).then(pl.lit("pending")).alias("status"),
    )
    return decided.filter(pl.col("status").is_not_null()).select("person_a", "person_b", "method", "score", "status")
