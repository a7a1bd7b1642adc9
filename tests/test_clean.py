"""Cleaning on the real seed articles: furniture, datelines, offsets back to the original."""
from newsweave.clean import CHAR_MAP, clean, clean_batch, is_furniture, parse_dateline
from newsweave.model import Article


def _seed(path) -> Article:
    return clean(Article(id=path.stem, text=path.read_text(encoding="utf-8")))


def test_read_more_lines_and_trailing_blanks_are_removed(seed_paths):
    tdi = _seed(seed_paths[1])
    assert "Read More" in tdi.text
    assert "Read More" not in tdi.clean_text
    assert not tdi.clean_text.endswith("\n")
    assert tdi.clean_text.endswith("following the Russia-Ukraine conflict.")


def test_datelines_give_place_and_outlet(seed_paths):
    first, second = _seed(seed_paths[0]), _seed(seed_paths[1])
    assert first.dateline == {"place": "Karachi"}
    assert first.outlet is None
    assert second.dateline == {"place": "Islamabad", "outlet": "TDI"}
    assert second.outlet == "TDI"
    # the dateline is metadata, not the first words of the report
    assert second.clean_text.startswith("Prime Minister Shehbaz Sharif warmly received")
    assert first.clean_text.startswith("Pakistan and Kazakhstan moved")


def test_every_cleaned_span_maps_back_to_the_original(seed_paths):
    for path in seed_paths:
        a = _seed(path)
        for i in range(0, len(a.clean_text) - 30, 7):
            if "\n" in a.clean_text[i:i + 30]:
                continue  # a span across a dropped line maps to a range that includes it
            s, e = a.original_span(i, i + 30)
            assert a.text[s:e].translate(CHAR_MAP) == a.clean_text[i:i + 30]


def test_quotes_and_dashes_are_normalised_one_for_one(seed_paths):
    a = _seed(seed_paths[0])
    assert "’" in a.text and "’" not in a.clean_text
    assert "Pakistan-Kazakhstan Business Forum" in a.clean_text


def test_odd_whitespace_is_collapsed_with_offsets_kept():
    text = "WASHINGTON (Reuters) - The  Fed\u200b raised\u00a0rates.\n\n\nShare this article\nIt was  the first rise."
    a = clean(Article(id="x", text=text))
    assert a.dateline == {"place": "WASHINGTON".title(), "outlet": "Reuters"}
    assert a.clean_text == "The Fed raised rates.\nIt was the first rise."
    s, e = a.original_span(a.clean_text.index("first"), a.clean_text.index("first") + 5)
    assert text[s:e] == "first"


def test_furniture_patterns():
    for line in ["Read More: Kazakhstan Seeks Science Cooperation", "ALSO READ: x", "Subscribe to our newsletter",
                 "Follow us on Twitter", "© 2024 Example News", "Click here to read more"]:
        assert is_furniture(line), line
    for line in ["President Tokayev will also meet President Zardari.", "Readers were shocked."]:
        assert not is_furniture(line), line


def test_lines_repeated_across_an_outlets_articles_are_boilerplate(seed_paths):
    body = seed_paths[0].read_text(encoding="utf-8").splitlines()
    promo = "Get the latest news from Example Daily delivered every morning"
    arts = [Article(id=f"a{i}", outlet="Example Daily", text=f"{body[i]}\n{promo}\n{body[i + 1]}") for i in range(4)]
    for a in clean_batch(arts):
        assert promo not in a.clean_text
        assert body[int(a.id[1:]) + 1].split()[0] in a.clean_text


def test_dateline_forms():
    assert parse_dateline("KARACHI – Pakistan and Kazakhstan")[0] == {"place": "Karachi"}
    assert parse_dateline("Islamabad (TDI): Prime Minister")[0] == {"place": "Islamabad", "outlet": "TDI"}
    assert parse_dateline("LONDON, March 3 (AP) — Britain")[0] == {"place": "London", "outlet": "AP"}
    assert parse_dateline("Prime Minister Shehbaz Sharif warmly received")[0] is None
