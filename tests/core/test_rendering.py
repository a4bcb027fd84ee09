from app.rendering import code_blocks, markdown_to_html


def test_markdown_is_rendered() -> None:
    out = markdown_to_html("**卷积** uses `kernels`\n\n- a\n- b")
    assert "<strong>卷积</strong>" in out
    assert "<code>kernels</code>" in out
    assert "<li>a</li>" in out


def test_raw_html_from_a_model_stays_text() -> None:
    out = markdown_to_html('<script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold</b>')
    assert "<script>" not in out
    assert "<img" not in out
    assert "<b>" not in out
    assert "&lt;script&gt;" in out


def test_javascript_links_are_not_links() -> None:
    out = markdown_to_html("[click](javascript:alert(1))")
    assert 'href="javascript' not in out


def test_fenced_code_is_highlighted_escaped_and_followed_by_a_copy_link() -> None:
    text = "```python\ndef f(x):\n    return '<b>'\n```\n\n```\nplain <i>\n```"
    out = markdown_to_html(text)
    assert '<span style="color:' in out  # Pygments colours, inline
    assert "<b>" not in out and "<i>" not in out and "&lt;i&gt;" in out
    assert out.count('href="copy:') == 2
    assert 'href="copy:1"' in out
    assert markdown_to_html(text, dark=True) != out  # a dark style for the dark theme
    assert code_blocks(text) == ["def f(x):\n    return '<b>'\n", "plain <i>\n"]


def test_unknown_languages_fall_back_to_plain_escaped_code() -> None:
    out = markdown_to_html("```no-such-language\n<script>x</script>\n```")
    assert "&lt;script&gt;" in out and "<script>" not in out


def test_math_is_shown_as_code_and_money_is_not_math() -> None:
    out = markdown_to_html("面积 $\\pi r^2$，公式 $$E=mc^2$$，价格 $5 and $6, $ x $")
    assert '<code class="math">\\pi r^2</code>' in out
    assert '<code class="math display">E=mc^2</code>' in out
    assert "$5 and $6" in out and "$ x $" in out
    assert '<code class="math"><script>' not in markdown_to_html("$<script>$")
