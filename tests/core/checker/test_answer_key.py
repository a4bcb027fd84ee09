"""The answer-key signals: question-specific coverage, negated or inverted key facts, wrong numbers, myths."""

from __future__ import annotations

from app.checker import check, load_packs
from app.checker.answer_key import contradictions, question_key
from app.personas import Persona


def _kinds(reply: str, pack_id: str) -> set[str]:
    packs = [p for p in load_packs(None) if p.id == pack_id]
    return {c.kind for c in contradictions(reply, packs)}


def test_the_questions_own_key_is_picked_not_only_the_topic() -> None:
    packs = {p.id: p for p in load_packs(None)}
    rnn, tcp = packs["rnn"], packs["tcp-handshake"]
    lstm = question_key("LSTM 比普通 RNN 好在哪里？", rnn)
    assert lstm is not None and lstm.needs[0] == ("门", "gate")
    why = question_key("Why does TCP need three messages to open a connection?", tcp)
    assert why is not None and "both sides" in why.answer  # the more specific key beats the generic "handshake" one
    assert question_key("What is a cat?", tcp) is None


def test_negated_key_facts_in_chinese_and_english() -> None:
    assert _kinds("池化层不会缩小特征图，只是换一种表示。", "cnn") == {"negated"}
    assert _kinds("Binary search does not need a sorted array.", "binary-search") == {"negated"}
    assert _kinds("Gradient descent never moves downhill, it climbs.", "gradient-descent") == {"negated"}
    # a correction that follows the negation, and the plain fact, are fine
    assert _kinds("池化不是放大特征图，而是缩小特征图。", "cnn") == set()
    assert _kinds("Pooling shrinks the feature map.", "cnn") == set()


def test_inverted_key_facts_by_antonym() -> None:
    assert _kinds("二分查找可以直接在无序数组上用。", "binary-search") == {"antonym"}
    assert _kinds("Photosynthesis releases carbon dioxide into the air.", "photosynthesis") == {"antonym"}
    assert _kinds("Activation functions are linear, which keeps things simple.", "activation-functions") == {"antonym"}
    assert _kinds("二分查找不能用在无序数组上。", "binary-search") == set()  # negated antonym = the fact


def test_numbers_the_topic_fixes() -> None:
    assert _kinds("TCP 握手一共有四次，客户端先发 SYN。", "tcp-handshake") == {"number"}
    assert _kinds("The handshake uses two messages: SYN and ACK.", "tcp-handshake") == {"number"}
    assert _kinds("An LSTM has two gates that decide what to keep.", "rnn") == {"number"}
    assert _kinds("The TCP handshake uses three messages: SYN, SYN-ACK and ACK.", "tcp-handshake") == set()


def test_contradictions_turn_the_badge_off_with_the_fact(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, "喵~ 三次握手？其实 TCP 握手要四次哦，先发 SYN 喵！", question="TCP 三次握手是怎么回事？")
    assert zh.accuracy.label == "off"
    assert any("TCP 握手需要三次" in r for r in zh.accuracy.reasons)
    en = check(hoot, "Hoo! Binary search does not need a sorted array, owlet.", question="How does binary search work?")
    assert en.accuracy.label == "off"
    assert any("sorted array" in r for r in en.accuracy.reasons)


def test_missing_the_core_of_this_answer(hoot: Persona, xiaomiao: Persona) -> None:
    question = "What happens if the learning rate is too large?"
    garbled = check(hoot, "Hoo! Then the model learns the data very well and trains nicely, owlet.", question=question)
    assert garbled.accuracy.label != "ok"
    assert any("overshoot" in r for r in garbled.accuracy.reasons)
    right = check(hoot, "Hoo! The steps overshoot the minimum and the loss can diverge, owlet.", question=question)
    assert right.accuracy.label == "ok" and right.accuracy.score > garbled.accuracy.score
    why = "为什么 TCP 建立连接要三次握手？"
    circular = check(xiaomiao, "喵~ 因为握手是为了确认连接的建立，握手完成才算建立喵。", question=why)
    sound = check(xiaomiao, "喵~ 因为双方都要确认自己能收能发，还要同步初始序列号喵！", question=why)
    assert circular.accuracy.score < sound.accuracy.score and sound.accuracy.label == "ok"


def test_common_misconceptions_beyond_the_injected_ones(hoot: Persona, xiaomiao: Persona) -> None:
    cases = [
        (hoot, "What happens if the learning rate is too large?", "Hoo! A larger learning rate converges faster."),
        (hoot, "How does dropout prevent overfitting?", "Hoo! Dropout removes neurons permanently, owlet."),
        (xiaomiao, "光合作用是怎么回事？", "喵~ 光合作用在线粒体里进行，吸收二氧化碳喵。"),
        (xiaomiao, "RNN 的梯度消失是什么意思？", "喵~ 梯度消失就是梯度变得很大很大喵。"),
    ]
    for persona, question, reply in cases:
        assert check(persona, reply, question=question).accuracy.label == "off", reply


def test_the_current_questions_topic_wins_over_the_chats(hoot: Persona) -> None:
    reply = "Hoo! Binary search compares with the middle element of a sorted array and drops half, owlet."
    verdict = check(hoot, reply, topic="cnn", question="Now, how does binary search work?")
    assert verdict.topics[0] == "binary-search"
    assert verdict.accuracy.label == "ok", verdict.accuracy.reasons


def test_a_short_reply_is_held_to_the_answer_key(xiaomiao: Persona, hoot: Persona) -> None:
    """Under 20 Chinese (40 other) characters the answer key was skipped, and "O(n)" showed as on track."""
    question = "二分查找的时间复杂度是多少？"
    for reply in ("二分查找的时间复杂度是 O(n)。", "是 O(n) 喵~"):
        badge = check(xiaomiao, reply, question=question, topic="binary-search").accuracy
        assert badge.label != "ok", reply
        assert any("O(log n)" in r for r in badge.reasons)
    assert check(xiaomiao, "是 O(log n) 喵~", question=question).accuracy.label == "ok"
    assert check(xiaomiao, "二分查找要求数据有序喵。", question="二分查找对数据有什么要求？").accuracy.label == "ok"
    english = "What is the time complexity of binary search?"
    assert check(hoot, "Binary search runs in O(n).", question=english).accuracy.label != "ok"
    assert check(hoot, "O(log n), hoo-hoo!", question=english).accuracy.label == "ok"
    # a short reply to a question without an answer key, or a greeting, is not judged on coverage
    assert check(xiaomiao, "喵~ 你好！", question="你好").accuracy.label == "ok"
