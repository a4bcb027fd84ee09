from app.store import Store


def _conversation(store: Store, *texts: str) -> list[int]:
    c = store.create_conversation("xiaomiao", "CNN", "m", title="卷积")
    return [store.add_message(c.id, "user" if i % 2 else "assistant", t).id for i, t in enumerate(texts)]


def test_chinese_substrings_of_three_or_more_characters_are_found(store: Store) -> None:
    ids = _conversation(store, "卷积神经网络用卷积核提取特征喵~", "池化层会缩小特征图", "今天天气很好")
    hits = store.search("卷积核")
    assert [h.message_id for h in hits] == [ids[0]]
    assert "«卷积核»" in hits[0].snippet
    assert hits[0].conversation_title == "卷积"


def test_one_and_two_character_chinese_words_fall_back_to_like(store: Store) -> None:
    ids = _conversation(store, "卷积神经网络用卷积核提取特征喵~", "池化层会缩小特征图", "今天天气很好")
    assert [h.message_id for h in store.search("特征")] == [ids[1], ids[0]]
    assert [h.message_id for h in store.search("喵")] == [ids[0]]
    assert store.search("特征")[0].snippet == "池化层会缩小«特征»图"


def test_english_words_match_case_insensitively_and_every_word_must_match(store: Store) -> None:
    ids = _conversation(store, "Backpropagation computes gradients", "Gradients flow backwards", "a CNN uses kernels")
    assert [h.message_id for h in store.search("gradients")] == [ids[1], ids[0]]
    assert [h.message_id for h in store.search("gradients backprop")] == [ids[0]]
    assert [h.message_id for h in store.search("CNN kernels")] == [ids[2]]
    assert [h.message_id for h in store.search("cnn 卷积")] == []


def test_search_follows_streaming_updates_and_odd_characters_are_literal(store: Store) -> None:
    c = store.create_conversation("xiaomiao", "CNN", "m")
    reply = store.add_message(c.id, "assistant", "", status="streaming")
    store.update_message(reply.id, content='the "stride" is 100% of it_s size')
    assert [h.message_id for h in store.search('"stride"')] == [reply.id]
    assert [h.message_id for h in store.search("100%")] == [reply.id]
    assert store.search("0%x") == []
    assert store.search("   ") == []


def test_long_messages_get_a_short_snippet_around_the_match(store: Store) -> None:
    [mid] = _conversation(store, "填充" * 200 + "激活函数" + "填充" * 200)
    snippet = store.search("激活函数")[0].snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "«激活函数»" in snippet
    assert len(snippet) < 150
    assert mid
