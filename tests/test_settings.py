"""site.yaml: the movement's settings, validated like every other file."""

from joinedup.load.settings import contrast_ratio


def test_site_yaml_mistakes_are_reported_with_file_and_line_and_stop_the_build(site):
    site.write("site.yaml", """\
        name: Ensemble
        colour: red
        accent: "#7fd1b9"
        language: de
        forge:
          url: https://github.com/ensemble/site
        stale_months: lots
        logo: images/missing.svg
        """)
    checked = site.tasks("check")
    assert checked.returncode == 1
    lines = [line for line in checked.stdout.splitlines() if not line.startswith(" ")]
    assert lines == [
        "site.yaml:2:1: JU100 Unknown key 'colour'.",
        "site.yaml:3:1: JU500 The accent colour #7fd1b9 has a contrast of 1.79:1 against #ffffff "
        "(white text in the header and the page's background); WCAG AA needs at least 4.5:1.",
        "site.yaml:4:1: JU106 'language' is 'de'; it must be one of: en, fr.",
        "site.yaml:7:1: JU105 'stale_months' should be a whole number, not text ('lots').",
        "site.yaml:8:1: JU501 The logo 'images/missing.svg' is not a file: put it at content/images/missing.svg.",
    ]
    built = site.tasks("build", "--output", str(site.root / "output"))
    assert built.returncode == 1 and not (site.root / "output").exists()


def test_contrast_ratio_agrees_with_the_wcag_reference_values():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48   # the classic "just fails AA" grey
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54   # the lightest grey that passes
    assert contrast_ratio("#0b5d4b", "#ffffff") == contrast_ratio("#ffffff", "#0b5d4b")


def test_the_dark_scheme_gets_a_lighter_accent_that_still_reaches_aa():
    from joinedup.load.settings import DARK_ACCENT_INK, DARK_BACKGROUNDS, contrast_ratio, dark_accent

    for accent in ("#0b5d4b", "#8a1538", "#000000", "#1d4ed8", "#6a4a00"):
        night = dark_accent(accent)
        assert night != accent
        assert min(contrast_ratio(night, other) for other in (*DARK_BACKGROUNDS, DARK_ACCENT_INK)) >= 4.5, accent
